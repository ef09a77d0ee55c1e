import type { EventEmitter2 } from '@nestjs/event-emitter';
import type { DataSource } from 'typeorm';
import type { AppEnv } from '../../config/env.schema';
import { OutboxRelay } from './outbox-relay';

/** Which lanes a kick wakes (the passes themselves are exercised against PostgreSQL in outbox.int-spec). */
describe('OutboxRelay.kick', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function relayWithLanesSpied() {
    const relay = new OutboxRelay({} as DataSource, {} as EventEmitter2, { OUTBOX_RELAY_ENABLED: true } as AppEnv);
    const woken: string[] = [];
    (relay as unknown as { drainLane(lane: { name: string }): Promise<void> }).drainLane = (lane) => {
      woken.push(lane.name);
      return Promise.resolve();
    };
    return { relay, woken };
  }

  it('wakes only the lane that carries the committed events: ordinary ones the normal lane, after its 20 ms coalescing', () => {
    const { relay, woken } = relayWithLanesSpied();
    relay.kick([0, 0]);
    jest.advanceTimersByTime(19);
    expect(woken).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(woken).toEqual(['normal']);
  });

  it('an urgent event wakes the urgent lane at once; a mix wakes both', () => {
    const { relay, woken } = relayWithLanesSpied();
    relay.kick([1]);
    jest.advanceTimersByTime(0);
    expect(woken).toEqual(['urgent']);
    jest.advanceTimersByTime(100);
    expect(woken).toEqual(['urgent']);
    relay.kick([0, 1]);
    jest.advanceTimersByTime(20);
    expect(woken.sort()).toEqual(['normal', 'urgent', 'urgent']);
  });

  it('a kick without priorities (the poll) wakes every lane; kicks within the coalescing window share one pass', () => {
    const { relay, woken } = relayWithLanesSpied();
    relay.kick();
    relay.kick([0]);
    relay.kick([0]);
    jest.advanceTimersByTime(20);
    expect(woken.sort()).toEqual(['normal', 'urgent']);
  });
});

describe('OutboxRelay shutdown', () => {
  it('waits for a pass in flight, and does not fail when that pass fails (the database went first)', async () => {
    const relay = new OutboxRelay({} as DataSource, {} as EventEmitter2, { OUTBOX_RELAY_ENABLED: true } as AppEnv);
    let fail!: (err: Error) => void;
    const pass = new Promise<void>((_, reject) => (fail = reject));
    pass.catch(() => undefined); // the kick that started it logs the failure
    (relay as unknown as { lanes: Array<{ draining?: Promise<void> }> }).lanes[1].draining = pass;
    let closed = false;
    const closing = relay.onModuleDestroy().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false); // still waiting for the pass
    fail(new Error('Client has encountered a connection error and is not queryable'));
    await expect(closing).resolves.toBe(true);
  });
});
