import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DomainEventClass } from '../../src/shared/domain/domain-event';
import { DomainEvent } from '../../src/shared/domain/domain-event';
import { EventRegistry } from '../../src/shared/events/event-registry';

/**
 * House style §4.5: Audit subscribes to an explicit list. Every event class — registered in the
 * EventRegistry by a module file, or declared in a module's public/events/ — is either audited
 * (AUDITED_EVENTS) or listed in NOT_AUDITED with a reason. A new event fails this test until
 * someone decides.
 */
const MODULES = resolve(__dirname, '../../src/modules');

const moduleFiles = readdirSync(MODULES).flatMap((m) =>
  readdirSync(join(MODULES, m))
    .filter((f) => f.endsWith('.module.ts'))
    .map((f) => join(MODULES, m, f)),
);
const eventFiles = readdirSync(MODULES).flatMap((m) => {
  const dir = join(MODULES, m, 'public', 'events');
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.event.ts'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
});

// Loading every module file registers every event class, as booting the app does.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loads files found at run time, synchronously at collection
for (const file of moduleFiles) require(file);
const declared = eventFiles.flatMap((file) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads files found at run time, synchronously at collection
  Object.values(require(file) as Record<string, unknown>).filter(
    (v): v is DomainEventClass => typeof v === 'function' && v.prototype instanceof DomainEvent,
  ),
);
// Required after the module files so it sees the same class objects.
const { AUDITED_EVENTS, NOT_AUDITED } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after the module files above, not hoisted
  require('../../src/modules/audit/domain/audited-events') as typeof import('../../src/modules/audit/domain/audited-events');

const names = (classes: Iterable<DomainEventClass>) => [...new Set([...classes].map((c) => c.eventName))].sort();

describe('events are audited', () => {
  const registered = EventRegistry.all();
  const audited = new Set<DomainEventClass>(AUDITED_EVENTS.map((a) => a.event));
  const exempt = new Set<DomainEventClass>(NOT_AUDITED.map((n) => n.event));

  it('finds the modules and their events', () => {
    expect(moduleFiles.length).toBeGreaterThanOrEqual(6);
    expect(registered.length).toBeGreaterThanOrEqual(16);
    expect(declared.length).toBeGreaterThanOrEqual(16);
  });

  it('audits every registered or declared event, or says in NOT_AUDITED why not', () => {
    const all = new Set<DomainEventClass>([...registered, ...declared]);
    const undecided = [...all].filter((c) => !audited.has(c) && !exempt.has(c));
    expect(names(undecided)).toEqual([]);
  });

  it('lists each event once, in one list only', () => {
    expect(AUDITED_EVENTS.length).toBe(audited.size);
    expect(NOT_AUDITED.length).toBe(exempt.size);
    expect(names([...audited].filter((c) => exempt.has(c)))).toEqual([]);
  });

  it('gives every exemption a reason', () => {
    expect(NOT_AUDITED.filter((n) => n.reason.trim().length < 10).map((n) => n.event.eventName)).toEqual([]);
  });

  it('audits only events the relay can deliver (registered in the EventRegistry)', () => {
    expect(names([...audited].filter((c) => EventRegistry.get(c.eventName) !== c))).toEqual([]);
  });

  it('names every action resource.verb, each action once', () => {
    const actions = AUDITED_EVENTS.map((a) => a.action);
    expect(actions.filter((a) => !/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(a))).toEqual([]);
    expect(actions.length).toBe(new Set(actions).size);
  });
});
