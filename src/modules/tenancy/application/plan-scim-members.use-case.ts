import { Injectable } from '@nestjs/common';
import { outcomeOf, planScimMembers, type PlanItem } from '../domain/scim-member-plan';
import { ScimMemberRepository } from '../infrastructure/scim-member.repository';
import type { ScimMemberDesiredState, ScimMemberOutcome, ScimMemberScope } from '../public/scim-members.types';

/** Loads what a batch's plan depends on, and plans it (read-only). */
@Injectable()
export class PlanScimMembersUseCase {
  constructor(private readonly repo: ScimMemberRepository) {}

  async plan(scope: ScimMemberScope, desired: readonly ScimMemberDesiredState[]): Promise<PlanItem[]> {
    const stagedUserIds = desired.map((d) => d.stagedUserId);
    const emails = [...new Set(desired.flatMap((d) => (d.state === 'member' ? [d.email] : [])))];
    const memberships = await this.repo.loadMemberships(scope.tenantId, scope.connectionId, stagedUserIds, emails);
    const accountsByEmail = await this.repo.accountsByEmail(emails);
    // Only an email change of a linked member needs to know whether its account is shared.
    const wanted = new Map(desired.flatMap((d) => (d.state === 'member' ? [[d.stagedUserId, d.email] as const] : [])));
    const renamed = memberships.filter(
      (m) =>
        m.stagedUserId &&
        m.connectionId === scope.connectionId &&
        wanted.has(m.stagedUserId) &&
        wanted.get(m.stagedUserId) !== m.email,
    );
    const sharedAccountIds = await this.repo.sharedAccounts(renamed.map((m) => m.accountId));
    return planScimMembers(desired, {
      connectionId: scope.connectionId,
      memberships,
      accountsByEmail,
      sharedAccountIds,
    });
  }

  async execute(scope: ScimMemberScope, desired: readonly ScimMemberDesiredState[]): Promise<ScimMemberOutcome[]> {
    return (await this.plan(scope, desired)).map((item) => outcomeOf(item));
  }
}
