import { Injectable } from '@nestjs/common';
import { MemberRepository } from '../infrastructure/member.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { decodeMemberCursor, encodeMemberCursor, toMemberView, type MemberView } from './member-common';
import { assertTenantExists } from './tenant-common';

@Injectable()
export class ListMembersQuery {
  constructor(
    private readonly members: MemberRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async execute(
    tenantId: string,
    q: { cursor?: string; limit: number; status?: 'active' | 'revoked' },
  ): Promise<{ items: MemberView[]; nextCursor: string | null }> {
    await assertTenantExists(this.tenants, tenantId);
    const rows = await this.members.list(tenantId, {
      after: decodeMemberCursor(q.cursor),
      limit: q.limit,
      status: q.status,
    });
    return {
      items: rows.map(toMemberView),
      nextCursor: rows.length === q.limit ? encodeMemberCursor(rows[rows.length - 1]) : null,
    };
  }
}
