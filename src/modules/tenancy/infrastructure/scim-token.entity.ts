import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ schema: 'tenancy', name: 'scim_token' })
export class ScimTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  tenantId: string;

  @Column('text')
  connectionId: string;

  @Column('text')
  name: string;

  /** SHA-256 of the secret; the secret itself is never stored. */
  @Column('bytea')
  tokenHash: Buffer;

  @Column('text')
  prefix: string;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('uuid', { nullable: true })
  replacedBy: string | null;
}
