import { Injectable } from '@nestjs/common';
import { MemberRepository } from '../infrastructure/member.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { memberNotFound, toMemberView, type MemberView } from './member-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class GetMemberQuery {
  constructor(
    private readonly members: MemberRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async execute(tenantId: string, accountId: string): Promise<MemberView> {
    await assertTenantExists(this.tenants, tenantId);
    const row = isUuid(accountId) ? await this.members.findByAccount(tenantId, accountId) : null;
    if (!row) throw memberNotFound();
    return toMemberView(row);
  }
}
