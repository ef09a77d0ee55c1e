import type { DomainEventClass } from '../domain/domain-event';

/**
 * eventName → class, so the outbox relay can rehydrate stored rows. Modules register the events
 * they publish from their module file (`EventRegistry.register(...)`), at import time.
 */
export class EventRegistry {
  private static readonly classes = new Map<string, DomainEventClass>();

  static register(...classes: DomainEventClass[]): void {
    for (const cls of classes) {
      const existing = this.classes.get(cls.eventName);
      if (existing && existing !== cls) throw new Error(`Duplicate event name ${cls.eventName}`);
      this.classes.set(cls.eventName, cls);
    }
  }

  static get(eventName: string): DomainEventClass | undefined {
    return this.classes.get(eventName);
  }

  static all(): DomainEventClass[] {
    return [...this.classes.values()];
  }
}
