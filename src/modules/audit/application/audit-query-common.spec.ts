import { AuditError } from '../public/audit.errors';
import { decodeCursor, encodeCursor, toAuditFilter } from './audit-query-common';
import { fromPayload } from '../domain/audited-events';
import { DomainEvent } from '../../../shared/domain/domain-event';

describe('audit query helpers', () => {
  it('round-trips cursors and refuses foreign ones naming the field', () => {
    expect(decodeCursor(encodeCursor(12345, 'asc'), 'asc')).toBe(12345);
    expect(decodeCursor(encodeCursor(12345, 'desc'), 'desc')).toBe(12345);
    expect(decodeCursor(undefined, 'asc')).toBeNull();
    for (const bad of [
      'nope',
      Buffer.from('audit:-1').toString('base64url'),
      'a b',
      Buffer.from('audit:1x').toString('base64url'),
    ]) {
      try {
        decodeCursor(bad, 'asc');
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(AuditError);
        expect((err as AuditError).details[0].field).toBe('cursor');
      }
    }
    expect(() => decodeCursor(encodeCursor(7, 'desc'), 'asc')).toThrow(AuditError);
    expect(() => decodeCursor(encodeCursor(7, 'asc'), 'desc')).toThrow(AuditError);
  });

  it('refuses an empty or inverted window naming `to`', () => {
    expect(() => toAuditFilter({ from: '2025-01-02', to: '2025-01-01' })).toThrow(AuditError);
    expect(() => toAuditFilter({ from: '2025-01-01', to: '2025-01-01' })).toThrow(AuditError);
    expect(toAuditFilter({ from: '2025-01-01', to: '2025-01-02T00:00:00Z' }).from).toEqual(
      new Date('2025-01-01T00:00:00Z'),
    );
  });
});

describe('fromPayload', () => {
  class SyncRunStartedProbe extends DomainEvent<{ syncRunId: string; connectionId: string; mode: string }> {
    static override readonly eventName = 'test.sync_run.started';
  }

  it('describes a payload-only event in one line', () => {
    const e = new SyncRunStartedProbe({ syncRunId: 'r1', connectionId: 'c1', mode: 'full' }, { tenantId: null });
    expect(fromPayload('sync_run', 'syncRunId', 'mode')(e.payload, e, 'sync_run.started')).toEqual({
      target: { type: 'sync_run', id: 'r1' },
      targetLabel: 'full',
      summary: 'Sync run r1 ("full") started',
      details: { syncRunId: 'r1', connectionId: 'c1', mode: 'full' },
    });
  });
});
