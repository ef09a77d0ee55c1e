import { Logger } from '@nestjs/common';
import { StagedReferencesIgnoredEvent } from '../public/events/staged-references-ignored.event';
import { StagingError, StagingErrorCode } from '../public/staging.errors';
import type { StagedUserSubject, StagingScope } from '../public/staging.types';

/** Member id lists in events are capped; counts stay exact. */
export const EVENT_MEMBER_CAP = 1000;

const logger = new Logger('Staging');

export const notFound = (what: string) => new StagingError(StagingErrorCode.NOT_FOUND, `${what} not found`);

export function eventMeta(scope: StagingScope) {
  return { tenantId: scope.tenantId };
}

export function subjectOf(user: { userName: string; primaryEmail: string | null }): StagedUserSubject {
  return { userName: user.userName, email: user.primaryEmail };
}

function checkVersion(current: { version: number }, expected: number | undefined): void {
  if (expected !== undefined && current.version !== expected) {
    throw new StagingError(
      StagingErrorCode.VERSION_MISMATCH,
      `resource version is ${current.version}, If-Match asked for ${expected}`,
    );
  }
}

/** The row locked for this transaction's write, after the If-Match check. */
export async function lockForWrite<T extends { version: number }>(
  rows: { find(scope: StagingScope, id: string, opts: { forUpdate: true }): Promise<T | null> },
  what: 'user' | 'group',
  scope: StagingScope,
  id: string,
  expectedVersion: number | undefined,
): Promise<T> {
  const locked = await rows.find(scope, id, { forUpdate: true });
  if (!locked) throw notFound(what);
  checkVersion(locked, expectedVersion);
  return locked;
}

/** The audit fact and warn log of ids a write left out (undefined when there are none). */
export function referencesIgnoredEvent(
  scope: StagingScope,
  resourceType: 'User' | 'Group',
  resourceId: string,
  attribute: 'members' | 'manager',
  ids: readonly string[],
): StagedReferencesIgnoredEvent | undefined {
  if (ids.length === 0) return undefined;
  const shown = ids.slice(0, EVENT_MEMBER_CAP).map((v) => v.slice(0, 64));
  logger.warn(
    `SCIM ${resourceType} ${resourceId} of connection ${scope.connectionId}: ${ids.length} ${attribute} id(s) ignored, not users${attribute === 'members' ? ' or groups' : ''} of this connection: ${shown
      .slice(0, 5)
      .map((v) => JSON.stringify(v))
      .join(', ')}${ids.length > 5 ? ' …' : ''}`,
  );
  return new StagedReferencesIgnoredEvent(
    {
      connectionId: scope.connectionId,
      resourceType,
      resourceId,
      attribute,
      ignored: shown,
      ignoredCount: ids.length,
    },
    eventMeta(scope),
  );
}
