import { CronTime } from 'cron';

export type ScheduledSyncKind = 'provision' | 'deprovision';

/** A tick may run this late (event loop busy, GC) and still count as the schedule's fire time. */
export const TICK_TOLERANCE_MS = 30_000;

/**
 * The sync schedule, in UTC: the provisioning expression (default hourly 06:00–18:00 Mon–Fri) and the
 * deprovision-only expression (default every 15 min in the same window). Pure: every question takes
 * the instant, so tests use fixed instants instead of waiting.
 */
export class SyncSchedule {
  private readonly times: Record<ScheduledSyncKind, CronTime>;

  constructor(
    readonly provisionCron: string,
    readonly deprovisionCron: string,
  ) {
    this.times = { provision: new CronTime(provisionCron, 'UTC'), deprovision: new CronTime(deprovisionCron, 'UTC') };
  }

  /** The next fire time of `kind` strictly after `at`. */
  nextAfter(kind: ScheduledSyncKind, at: Date): Date {
    return this.times[kind].getNextDateFrom(at, 'UTC').toJSDate();
  }

  /** The fire time of `kind` at or just before `at` (within the tolerance), or null if it is not due. */
  slotOf(kind: ScheduledSyncKind, at: Date): Date | null {
    const next = this.times[kind].getNextDateFrom(new Date(at.getTime() - TICK_TOLERANCE_MS - 1), 'UTC').toJSDate();
    return next.getTime() <= at.getTime() ? next : null;
  }

  /**
   * What a tick of `kind` at `at` should run: the provisioning tick runs a provisioning run (which
   * deprovisions too); a deprovisioning tick that coincides with a provisioning fire time runs nothing
   * — the provisioning run covers it. Null also when `at` is not a fire time of `kind` (a stray tick).
   */
  decide(kind: ScheduledSyncKind, at: Date): { kind: ScheduledSyncKind; slot: Date } | null {
    const slot = this.slotOf(kind, at);
    if (!slot) return null;
    if (kind === 'deprovision') {
      const provision = this.slotOf('provision', at);
      if (provision && provision.getTime() === slot.getTime()) return null;
    }
    return { kind, slot };
  }

  /** Whether `at` falls on a fire time of either expression (the "window" check for an instant). */
  isDue(at: Date): boolean {
    return this.slotOf('provision', at) !== null || this.slotOf('deprovision', at) !== null;
  }

  /** The next `count` fire times of `kind` strictly after `from`. */
  next(kind: ScheduledSyncKind, from: Date, count: number): Date[] {
    const out: Date[] = [];
    let cursor = from;
    for (let i = 0; i < count; i++) {
      cursor = this.times[kind].getNextDateFrom(cursor, 'UTC').toJSDate();
      out.push(cursor);
    }
    return out;
  }
}
