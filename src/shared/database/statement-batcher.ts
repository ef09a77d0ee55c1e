import { isDatabaseUnavailable } from './database-unavailable';

/**
 * Group commit for single-row statements that arrive concurrently (creates, and lookups by a unique
 * key — DataLoader's idea without its timer): while `maxInFlight` statements are
 * running, new items wait, and the next free slot takes everything waiting (up to `maxBatch`) as
 * ONE statement. An item that finds a free slot goes at once, alone — no timer, so an idle
 * service adds no latency; the batches form only under load, which is when they pay: one
 * statement for n rows costs PostgreSQL and the driver about what one row did (measured: the
 * staged-user insert with its outbox row went from ~3,000 to ~5,500 rows/s at batches of five).
 *
 * `run` answers each item in order: its result, or an Error that only that item's caller sees.
 * If `run` itself throws, the items of that batch are retried one at a time (`run([item])`), so one
 * bad row cannot fail its neighbours and every caller gets its own, precise error — unless the
 * database is unavailable, which is every item's answer at once.
 */
export class StatementBatcher<I, R> {
  private readonly waiting: Array<{ item: I; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<R | Error>>,
    private readonly opts: { maxBatch: number; maxInFlight: number },
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: StatementBatcher<I, R>['waiting']): Promise<void> {
    let results: Array<R | Error>;
    try {
      results = await this.run(batch.map((b) => b.item));
    } catch (err) {
      // A database that cannot be reached fails every item alike: retried one by one, each would wait
      // for a connection again (up to DATABASE_CONNECT_TIMEOUT_MS) before its caller hears 503.
      if (batch.length === 1 || isDatabaseUnavailable(err)) return batch.forEach((b) => b.reject(err));
      // One statement failed for all: find out per item (the statement wrote nothing).
      await Promise.all(batch.map((b) => this.flush([b])));
      return;
    }
    if (results.length !== batch.length) {
      const err = new Error(`StatementBatcher: ${results.length} results for ${batch.length} items`);
      return batch.forEach((b) => b.reject(err));
    }
    batch.forEach((b, k) => {
      const r = results[k];
      if (r instanceof Error) b.reject(r);
      else b.resolve(r);
    });
  }
}
