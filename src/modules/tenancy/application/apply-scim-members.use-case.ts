import { PlanScimMembersUseCase } from './plan-scim-members.use-case';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { DomainEvent } from '../../../shared/domain/domain-event';
import { EventBus } from '../../../shared/events/event-bus';
import { outcomeOf, type PlanItem } from '../domain/scim-member-plan';
import {
  ConcurrentMembershipChangeError,
  ScimMemberRepository,
  type MembershipWrite,
  type NewAccount,
  type NewMembership,
} from '../infrastructure/scim-member.repository';
import { MemberProvisionedEvent } from '../public/events/member-provisioned.event';
import { MemberUpdatedEvent } from '../public/events/member-updated.event';
import { MembershipRevokedEvent } from '../public/events/membership-revoked.event';
import type { ScimMemberDesiredState, ScimMemberOutcome, ScimMemberScope } from '../public/scim-members.types';

type Modify = Extract<PlanItem, { kind: 'modify' }>;

/** Conflicts a fresh read resolves: optimistic-version misses, deadlocks, serialization failures. */
function isTransient(err: unknown): boolean {
  const code =
    (err as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (err as { code?: string })?.code;
  return err instanceof ConcurrentMembershipChangeError || code === '40P01' || code === '40001';
}

/**
 * Sync's command: brings a batch of staged users' memberships to their desired state in ONE
 * transaction (accounts, memberships, SCIM group rows and the member events commit together — a
 * user is never half-provisioned). A batch that meets a concurrent change is re-planned once; a
 * batch that still fails is retried user by user, each in its own transaction, so one bad user
 * cannot block the others; a user that still fails is reported `failed` and nothing of it is written.
 */
@Injectable()
export class ApplyScimMembersUseCase {
  private readonly logger = new Logger(ApplyScimMembersUseCase.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: ScimMemberRepository,
    private readonly planner: PlanScimMembersUseCase,
    private readonly events: EventBus,
  ) {}

  async execute(
    scope: ScimMemberScope & { runId: string | null },
    desired: readonly ScimMemberDesiredState[],
  ): Promise<ScimMemberOutcome[]> {
    if (desired.length === 0) return [];
    try {
      try {
        return await this.tx.run(() => this.applyBatch(scope, desired));
      } catch (err) {
        // A row changed under us (the event-driven revocation, an admin) or a deadlock with another
        // connection's run over shared accounts: transient — re-read and re-plan the batch once.
        if (!isTransient(err)) throw err;
        return await this.tx.run(() => this.applyBatch(scope, desired));
      }
    } catch (err) {
      if (desired.length === 1) {
        const message = (err as Error)?.message ?? String(err);
        this.logger.warn(
          `sync of staged user ${desired[0].stagedUserId} (connection ${scope.connectionId}) failed: ${message}`,
        );
        return [
          {
            stagedUserId: desired[0].stagedUserId,
            result: 'failed',
            accountId: null,
            membershipId: null,
            error: message.slice(0, 500),
          },
        ];
      }
      this.logger.warn(
        `sync batch of ${desired.length} users (connection ${scope.connectionId}) failed, retrying user by user: ${(err as Error)?.message}`,
      );
      const outcomes: ScimMemberOutcome[] = [];
      for (const d of desired) outcomes.push(...(await this.execute(scope, [d])));
      return outcomes;
    }
  }

  private async applyBatch(
    scope: ScimMemberScope & { runId: string | null },
    desired: readonly ScimMemberDesiredState[],
  ): Promise<ScimMemberOutcome[]> {
    const plan = await this.planner.plan(scope, desired);
    const creates = plan.filter((p): p is Extract<PlanItem, { kind: 'create' }> => p.kind === 'create');
    const modifies = plan.filter((p): p is Modify => p.kind === 'modify');
    const revokes = plan.filter((p): p is Extract<PlanItem, { kind: 'revoke' }> => p.kind === 'revoke');

    // 1. Accounts: new ones for new members and for email changes that cannot rename in place.
    const newAccounts: NewAccount[] = [
      ...creates.filter((c) => c.accountId === null).map((c) => c.desired),
      ...modifies.filter((m) => m.switchAccount && m.switchAccount.accountId === null).map((m) => m.desired),
    ].map((d) => ({ email: d.email, displayName: d.displayName, givenName: d.givenName, familyName: d.familyName }));
    const createdAccounts = await this.repo.upsertAccounts(newAccounts);
    const accountFor = (email: string, known: string | null) => known ?? createdAccounts.get(email)!;
    await this.repo.renameAccounts(
      modifies.filter((m) => m.renameAccount).map((m) => ({ accountId: m.current.accountId, email: m.desired.email })),
    );

    // 2. Memberships.
    const newMemberships: NewMembership[] = creates.map((c) => ({
      accountId: accountFor(c.desired.email, c.accountId),
      stagedUserId: c.desired.stagedUserId,
      displayName: c.desired.displayName,
      givenName: c.desired.givenName,
      familyName: c.desired.familyName,
    }));
    const createdMemberships = await this.repo.insertMemberships(scope.tenantId, scope.connectionId, newMemberships);
    const writes: MembershipWrite[] = modifies.map((m) => ({
      id: m.current.id,
      version: m.current.version,
      stagedUserId: m.desired.stagedUserId,
      accountId: m.switchAccount ? accountFor(m.desired.email, m.switchAccount.accountId) : m.current.accountId,
      displayName: m.desired.displayName,
      givenName: m.desired.givenName,
      familyName: m.desired.familyName,
    }));
    await this.repo.activateMemberships(scope.tenantId, scope.connectionId, writes);
    await this.repo.revokeMemberships(
      scope.tenantId,
      revokes.map((r) => ({ id: r.current.id, version: r.current.version })),
      'sync_deprovisioned',
    );

    // 3. SCIM-sourced group rows.
    const add = [
      ...creates.flatMap((c) =>
        c.desired.internalGroupIds.map((groupId) => ({
          membershipId: createdMemberships.get(c.desired.stagedUserId)!,
          groupId,
        })),
      ),
      ...modifies.flatMap((m) => m.addGroupIds.map((groupId) => ({ membershipId: m.current.id, groupId }))),
    ];
    const remove = modifies.flatMap((m) =>
      m.removeGroupIds.map((groupId) => ({ membershipId: m.current.id, groupId })),
    );
    await this.repo.changeScimGroups(scope.tenantId, remove, add);

    // 4. Outcomes and their events, in the same transaction.
    const outcomes = plan.map((item) => {
      if (item.kind === 'create') {
        return outcomeOf(item, {
          accountId: accountFor(item.desired.email, item.accountId),
          membershipId: createdMemberships.get(item.desired.stagedUserId)!,
        });
      }
      if (item.kind === 'modify' && item.switchAccount) {
        return outcomeOf(item, {
          accountId: accountFor(item.desired.email, item.switchAccount.accountId),
          membershipId: item.current.id,
        });
      }
      return outcomeOf(item);
    });
    await this.events.publish(...this.eventsFor(scope, outcomes));
    return outcomes;
  }

  private eventsFor(
    scope: ScimMemberScope & { runId: string | null },
    outcomes: readonly ScimMemberOutcome[],
  ): DomainEvent<object>[] {
    const meta = { tenantId: scope.tenantId };
    const events: DomainEvent<object>[] = [];
    for (const o of outcomes) {
      const ids = {
        accountId: o.accountId!,
        membershipId: o.membershipId!,
        connectionId: scope.connectionId,
        stagedUserId: o.stagedUserId,
        syncRunId: scope.runId,
      };
      if (o.result === 'provisioned')
        events.push(new MemberProvisionedEvent({ ...ids, reactivated: o.reactivated === true }, meta));
      else if (o.result === 'updated')
        events.push(new MemberUpdatedEvent({ ...ids, changedAttributes: [...(o.changes ?? [])] }, meta));
      else if (o.result === 'deprovisioned')
        events.push(new MembershipRevokedEvent({ ...ids, reason: 'sync_deprovisioned' }, meta));
    }
    return events;
  }
}
