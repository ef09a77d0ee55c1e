import { PlanScimMembersUseCase } from './plan-scim-members.use-case';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { DomainEvent } from '../../../shared/domain/domain-event';
import { EventBus } from '../../../shared/events/event-bus';
import { auditChanges, type AuditChange } from '../../audit/public';
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
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { ScimGroupAccessRepository } from '../infrastructure/scim-group-access.repository';
import type { AccessChange } from '../public/member-access.types';
import type { ScimMemberDesiredState, ScimMemberOutcome, ScimMemberScope } from '../public/scim-members.types';

type Modify = Extract<PlanItem, { kind: 'modify' }>;

/** What the trail says about one staged user's outcome: the member's email, old/new values, groups given and taken. */
interface AuditFacts {
  readonly email: string;
  readonly changes?: AuditChange[];
  readonly access?: AccessChange[];
}

/** Mapping rules named per granted group, at most this many (a group is rarely mapped from more). */
const RULES_PER_GRANT = 5;

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
    private readonly groups: ScimGroupAccessRepository,
    private readonly mappings: InternalGroupRepository,
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
    const facts = await this.auditFacts(scope, creates, modifies, revokes);
    await this.events.publish(...this.eventsFor(scope, outcomes, facts));
    return outcomes;
  }

  /**
   * The named groups given and taken and the old/new attribute values, for the trail. Costs two
   * reads only when the batch changes someone's groups.
   */
  private async auditFacts(
    scope: ScimMemberScope,
    creates: ReadonlyArray<Extract<PlanItem, { kind: 'create' }>>,
    modifies: readonly Modify[],
    revokes: ReadonlyArray<Extract<PlanItem, { kind: 'revoke' }>>,
  ): Promise<Map<string, AuditFacts>> {
    const given = new Map<string, readonly string[]>([
      ...creates.map((c) => [c.desired.stagedUserId, c.desired.internalGroupIds] as const),
      ...modifies.map((m) => [m.desired.stagedUserId, m.addGroupIds] as const),
    ]);
    // A revoked membership takes every group it held with it.
    const taken = new Map<string, readonly string[]>([
      ...modifies.map((m) => [m.desired.stagedUserId, m.removeGroupIds] as const),
      ...revokes.map((r) => [r.stagedUserId, [...r.current.scimGroupIds, ...r.current.otherGroupIds]] as const),
    ]);
    const groupIds = [...new Set([...given.values(), ...taken.values()].flat())];
    const described = await this.groups.describeGroups(scope.tenantId, groupIds);
    const rulesByGroup = new Map<string, AccessChange['rules'] & object>();
    if ([...given.values()].some((ids) => ids.length > 0)) {
      for (const r of await this.mappings.listMappings(scope.tenantId, scope.connectionId)) {
        const rules = rulesByGroup.get(r.internal_group_id) ?? [];
        if (rules.length < RULES_PER_GRANT)
          rules.push({
            scimGroupDisplayName: r.scim_group_display_name,
            scimGroupExternalId: r.scim_group_external_id,
            createdAt: new Date(r.created_at).toISOString(),
            createdBy: r.created_by,
          });
        rulesByGroup.set(r.internal_group_id, rules);
      }
    }
    const named = (groupId: string, change: AccessChange['change']): AccessChange => {
      const g = described.get(groupId) ?? { name: '', permissions: [], sites: [] };
      return {
        change,
        internalGroupId: groupId,
        internalGroupName: g.name,
        permissions: g.permissions,
        sites: g.sites,
        reason: 'sync_decision',
        ...(change === 'given' ? { rules: rulesByGroup.get(groupId) ?? [] } : {}),
      };
    };
    const accessOf = (stagedUserId: string) => [
      ...(given.get(stagedUserId) ?? []).map((g) => named(g, 'given')),
      ...(taken.get(stagedUserId) ?? []).map((g) => named(g, 'taken')),
    ];
    const facts = new Map<string, AuditFacts>();
    for (const c of creates)
      facts.set(c.desired.stagedUserId, { email: c.desired.email, access: accessOf(c.desired.stagedUserId) });
    for (const m of modifies) {
      const { current: was, desired: now } = m;
      facts.set(now.stagedUserId, {
        email: now.email,
        changes: auditChanges([
          ['email', was.email, now.email],
          ['displayName', was.displayName, now.displayName],
          ['givenName', was.givenName, now.givenName],
          ['familyName', was.familyName, now.familyName],
        ]),
        access: accessOf(now.stagedUserId),
      });
    }
    for (const r of revokes) facts.set(r.stagedUserId, { email: r.current.email, access: accessOf(r.stagedUserId) });
    return facts;
  }

  private eventsFor(
    scope: ScimMemberScope & { runId: string | null },
    outcomes: readonly ScimMemberOutcome[],
    facts: ReadonlyMap<string, AuditFacts>,
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
      const f = facts.get(o.stagedUserId);
      const email = f ? { email: f.email } : {};
      if (o.result === 'provisioned')
        events.push(
          new MemberProvisionedEvent(
            { ...ids, reactivated: o.reactivated === true, ...email, access: f?.access },
            meta,
          ),
        );
      else if (o.result === 'updated')
        events.push(
          new MemberUpdatedEvent(
            { ...ids, changedAttributes: [...(o.changes ?? [])], ...email, changes: f?.changes, access: f?.access },
            meta,
          ),
        );
      else if (o.result === 'deprovisioned')
        events.push(
          new MembershipRevokedEvent({ ...ids, reason: 'sync_deprovisioned', ...email, access: f?.access }, meta),
        );
    }
    return events;
  }
}
