import { Injectable } from '@nestjs/common';

export interface TrafficBucket {
  connectionId: string;
  /** Start of the UTC hour. */
  hour: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  lastRequestAt: string;
}

/** Distinct (connection, hour) keys kept between flushes; beyond it requests of new keys are not counted (ids in URLs are the caller's). */
const MAX_KEYS = 10_000;

/**
 * SCIM requests per connection and UTC hour, counted in memory on the hot path (a map update) and
 * taken out by Tenancy's flush job, which adds them to its hourly table. The connection id is the
 * one in the path: requests refused 401 count too (a wrong Secret Token is what an admin looks for);
 * ids of no connection are dropped at the flush.
 */
@Injectable()
export class ScimTraffic {
  private buckets = new Map<string, Counts>();
  // The current hour's start and its ISO form, computed once an hour rather than per request.
  private hourStart = 0;
  private hourIso = '';

  record(connectionId: string, status: number, now = Date.now()): void {
    if (now - this.hourStart >= HOUR_MS || now < this.hourStart) {
      this.hourStart = now - (now % HOUR_MS);
      this.hourIso = new Date(this.hourStart).toISOString();
    }
    const key = `${connectionId} ${this.hourIso}`;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) return;
      b = { connectionId, hour: this.hourIso, requests: 0, clientErrors: 0, serverErrors: 0, last: now };
      this.buckets.set(key, b);
    }
    b.requests++;
    if (status >= 500) b.serverErrors++;
    else if (status >= 400) b.clientErrors++;
    b.last = now;
  }

  /** What was counted since the last call; the counters start again from zero. */
  take(): TrafficBucket[] {
    const out = [...this.buckets.values()].map(toBucket);
    this.buckets = new Map();
    return out;
  }

  /** Not yet flushed counts of one connection (so an admin sees the request that just happened). */
  pending(connectionId: string): TrafficBucket[] {
    return [...this.buckets.values()].filter((b) => b.connectionId === connectionId).map(toBucket);
  }

  /** Puts back buckets whose flush failed (the database was away): counted at the next flush. */
  restore(buckets: TrafficBucket[]): void {
    for (const b of buckets) {
      const key = `${b.connectionId} ${b.hour}`;
      const { lastRequestAt, ...counts } = b;
      const last = Date.parse(lastRequestAt);
      const cur = this.buckets.get(key);
      if (!cur) {
        if (this.buckets.size < MAX_KEYS) this.buckets.set(key, { ...counts, last });
        continue;
      }
      cur.requests += b.requests;
      cur.clientErrors += b.clientErrors;
      cur.serverErrors += b.serverErrors;
      if (last > cur.last) cur.last = last;
    }
  }
}

interface Counts {
  connectionId: string;
  hour: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  /** Last request, epoch ms. */
  last: number;
}

const HOUR_MS = 3_600_000;

function toBucket({ last, ...counts }: Counts): TrafficBucket {
  return { ...counts, lastRequestAt: new Date(last).toISOString() };
}
