import { expiryOf } from '../domain/session-token';
import type { SessionRow } from '../infrastructure/session.repository';

export interface SessionView {
  id: string;
  active: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export function isLive(s: SessionRow, now = new Date()): boolean {
  return s.endedAt === null && expiryOf(s) > now;
}

export const toSessionView = (s: SessionRow): SessionView => ({
  id: s.id,
  active: isLive(s),
  createdAt: s.createdAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  expiresAt: expiryOf(s).toISOString(),
  endedAt: s.endedAt ? s.endedAt.toISOString() : null,
  endReason: s.endReason,
});
