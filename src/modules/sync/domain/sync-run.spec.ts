import { chooseMode, contextHash } from './sync-run';

const at = (iso: string) => new Date(iso);
const hash = contextHash({ ssoDomains: ['acme.example'], mappings: [] });

describe('sync run', () => {
  describe(chooseMode.name, () => {
    const now = at('2025-01-06T10:00:00Z');
    const lastCompleted = { watermark: at('2025-01-06T08:59:58Z'), contextHash: hash };
    const lastFull = { startedAt: at('2025-01-06T06:00:00Z') };

    it('is full for the first run, when asked, and when domains or mappings changed', () => {
      expect(chooseMode('auto', { lastCompleted: null, lastFull: null }, hash, now, 24).mode).toBe('full');
      expect(chooseMode('full', { lastCompleted, lastFull }, hash, now, 24).mode).toBe('full');
      const changed = contextHash({
        ssoDomains: ['acme.example'],
        mappings: [{ scimGroupDisplayName: 'X', scimGroupExternalId: null, internalGroupId: 'g' }],
      });
      expect(chooseMode('auto', { lastCompleted, lastFull }, changed, now, 24)).toMatchObject({
        mode: 'full',
        reason: expect.stringMatching(/mappings changed/),
      });
      expect(chooseMode('incremental', { lastCompleted, lastFull }, changed, now, 24).mode).toBe('full');
    });

    it("is incremental from the last completed run's watermark", () => {
      const d = chooseMode('auto', { lastCompleted, lastFull }, hash, now, 24);
      expect(d.mode).toBe('incremental');
      expect(d.since).toEqual(lastCompleted.watermark);
    });

    it('is full for the first run of a UTC day and every N hours', () => {
      expect(
        chooseMode('auto', { lastCompleted, lastFull: { startedAt: at('2025-01-05T17:00:00Z') } }, hash, now, 24)
          .reason,
      ).toMatch(/UTC day/);
      expect(chooseMode('auto', { lastCompleted, lastFull }, hash, now, 4).reason).toMatch(/every 4 h/);
      expect(chooseMode('auto', { lastCompleted, lastFull }, hash, now, 5).mode).toBe('incremental');
      expect(chooseMode('auto', { lastCompleted, lastFull }, hash, now, 0).mode).toBe('full');
    });

    it('runs deprovision-only when asked', () => {
      expect(chooseMode('deprovision', { lastCompleted: null, lastFull: null }, hash, now, 24).mode).toBe(
        'deprovision',
      );
    });
  });

  it('fingerprints domains and mappings regardless of order and case of names', () => {
    const a = contextHash({
      ssoDomains: ['b.example', 'a.example'],
      mappings: [
        { scimGroupDisplayName: 'Admins', scimGroupExternalId: null, internalGroupId: '1' },
        { scimGroupDisplayName: null, scimGroupExternalId: 'x', internalGroupId: '2' },
      ],
    });
    const b = contextHash({
      ssoDomains: ['a.example', 'B.example'],
      mappings: [
        { scimGroupDisplayName: null, scimGroupExternalId: 'x', internalGroupId: '2' },
        { scimGroupDisplayName: 'ADMINS', scimGroupExternalId: null, internalGroupId: '1' },
      ],
    });
    expect(a).toBe(b);
    expect(contextHash({ ssoDomains: ['a.example'], mappings: [] })).not.toBe(
      contextHash({ ssoDomains: ['b.example'], mappings: [] }),
    );
  });
});
