import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'tenancy', name: 'scim_connection' })
export class ScimConnectionEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('uuid')
  tenantId: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  deletedAt: Date | null;
}
