import { FixedClock } from '../../../shared/domain/clock';
import { SyncSchedule } from './sync-schedule';

/** Fixed instants, never waiting: 2025-01-06 is a Monday, 2025-01-10 a Friday, 2025-01-11 a Saturday. */
const at = (iso: string) => new Date(iso);

describe(SyncSchedule.name, () => {
  const defaults = new SyncSchedule('0 6-18 * * 1-5', '*/15 6-18 * * 1-5');

  it('fires provisioning hourly from 06:00 to 18:00 UTC, Monday to Friday', () => {
    expect(defaults.next('provision', at('2025-01-06T05:59:00Z'), 14).map((d) => d.toISOString())).toEqual([
      ...Array.from({ length: 13 }, (_, i) => `2025-01-06T${String(6 + i).padStart(2, '0')}:00:00.000Z`),
      '2025-01-07T06:00:00.000Z',
    ]);
    // Friday evening → Monday morning: nothing over the weekend.
    expect(defaults.next('provision', at('2025-01-10T18:00:00Z'), 1)[0].toISOString()).toBe('2025-01-13T06:00:00.000Z');
  });

  it('fires deprovisioning every 15 minutes inside the same window', () => {
    expect(defaults.next('deprovision', at('2025-01-06T06:00:00Z'), 4).map((d) => d.toISOString())).toEqual([
      '2025-01-06T06:15:00.000Z',
      '2025-01-06T06:30:00.000Z',
      '2025-01-06T06:45:00.000Z',
      '2025-01-06T07:00:00.000Z',
    ]);
    expect(defaults.next('deprovision', at('2025-01-10T18:45:00Z'), 1)[0].toISOString()).toBe(
      '2025-01-13T06:00:00.000Z',
    );
  });

  it('is in the window at the fire times and outside it at night, at weekends and between fire times', () => {
    expect(defaults.isDue(at('2025-01-06T06:00:00Z'))).toBe(true);
    expect(defaults.isDue(at('2025-01-06T12:45:00Z'))).toBe(true);
    expect(defaults.isDue(at('2025-01-10T18:00:00Z'))).toBe(true);
    expect(defaults.isDue(at('2025-01-06T05:45:00Z'))).toBe(false);
    expect(defaults.isDue(at('2025-01-06T19:00:00Z'))).toBe(false);
    expect(defaults.isDue(at('2025-01-11T10:00:00Z'))).toBe(false);
    expect(defaults.isDue(at('2025-01-12T10:00:00Z'))).toBe(false);
    expect(defaults.isDue(at('2025-01-06T12:07:00Z'))).toBe(false);
  });

  it('uses UTC whatever the local time zone: 06:00 UTC is due, 06:00 in UTC+1 is not', () => {
    expect(defaults.isDue(at('2025-01-06T06:00:00+00:00'))).toBe(true);
    expect(defaults.isDue(at('2025-01-06T06:00:00+01:00'))).toBe(false); // 05:00 UTC
    expect(defaults.isDue(at('2025-01-06T07:00:00+01:00'))).toBe(true); // 06:00 UTC
  });

  it('decides which job runs: the provisioning tick runs, a deprovisioning tick at the same instant yields to it', () => {
    expect(defaults.decide('provision', at('2025-01-06T07:00:00Z'))).toEqual({
      kind: 'provision',
      slot: at('2025-01-06T07:00:00Z'),
    });
    expect(defaults.decide('deprovision', at('2025-01-06T07:00:00Z'))).toBeNull();
    expect(defaults.decide('deprovision', at('2025-01-06T07:15:00Z'))).toEqual({
      kind: 'deprovision',
      slot: at('2025-01-06T07:15:00Z'),
    });
    expect(defaults.decide('provision', at('2025-01-06T07:15:00Z'))).toBeNull();
  });

  it('maps a late tick to its fire time (replicas agree on the slot) and refuses a tick too far from any', () => {
    expect(defaults.decide('provision', at('2025-01-06T07:00:12.345Z'))?.slot).toEqual(at('2025-01-06T07:00:00Z'));
    expect(defaults.decide('deprovision', at('2025-01-06T07:15:29.999Z'))?.slot).toEqual(at('2025-01-06T07:15:00Z'));
    expect(defaults.decide('deprovision', at('2025-01-06T07:15:31Z'))).toBeNull();
  });

  it('takes the expressions from configuration', () => {
    const custom = new SyncSchedule('30 8 * * *', '*/5 * * * 6,0');
    const clock = new FixedClock(at('2025-01-11T08:30:00Z')); // Saturday
    expect(custom.decide('provision', clock.now())?.kind).toBe('provision');
    expect(custom.decide('deprovision', clock.now())).toBeNull(); // same instant: provisioning covers it
    clock.set(at('2025-01-11T08:35:00Z'));
    expect(custom.decide('deprovision', clock.now())?.kind).toBe('deprovision');
    clock.set(at('2025-01-13T08:35:00Z')); // Monday
    expect(custom.decide('deprovision', clock.now())).toBeNull();
  });
});
