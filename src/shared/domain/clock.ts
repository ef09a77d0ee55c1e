/**
 * The time port (house style §4.10: time through an injected Clock, no `Date.now()` in decisions).
 * An abstract class so it doubles as the Nest DI token; framework-free so domain code may use it.
 */
export abstract class Clock {
  abstract now(): Date;
}

/** The wall clock. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until told otherwise — for tests of schedules and time windows. */
export class FixedClock extends Clock {
  constructor(private instant: Date) {
    super();
  }

  now(): Date {
    return new Date(this.instant.getTime());
  }

  set(instant: Date): void {
    this.instant = instant;
  }
}
