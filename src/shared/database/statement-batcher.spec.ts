import { StatementBatcher } from './statement-batcher';

/** A `run` whose statements the test completes by hand, recording the batches it was given. */
function manualRun() {
  const batches: number[][] = [];
  const pending: Array<{ items: number[]; finish(results?: Array<string | Error>): void; fail(err: Error): void }> = [];
  const run = (items: number[]) =>
    new Promise<Array<string | Error>>((resolve, reject) => {
      batches.push(items);
      pending.push({ items, finish: (results) => resolve(results ?? items.map((i) => `row ${i}`)), fail: reject });
    });
  return { run, batches, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('StatementBatcher', () => {
  it('sends an item alone and at once while a slot is free (no added latency when idle)', async () => {
    const m = manualRun();
    const b = new StatementBatcher(m.run, { maxBatch: 10, maxInFlight: 1 });
    const first = b.submit(1);
    expect(m.batches).toEqual([[1]]);
    m.pending[0].finish();
    await expect(first).resolves.toBe('row 1');
  });

  it('batches what waited for a slot into one statement, in arrival order, up to maxBatch', async () => {
    const m = manualRun();
    const b = new StatementBatcher(m.run, { maxBatch: 3, maxInFlight: 1 });
    const results = [1, 2, 3, 4, 5, 6].map((i) => b.submit(i));
    expect(m.batches).toEqual([[1]]);
    m.pending[0].finish();
    await tick();
    expect(m.batches).toEqual([[1], [2, 3, 4]]);
    m.pending[1].finish();
    await tick();
    expect(m.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    m.pending[2].finish();
    await expect(Promise.all(results)).resolves.toEqual(['row 1', 'row 2', 'row 3', 'row 4', 'row 5', 'row 6']);
  });

  it('runs up to maxInFlight statements at once', async () => {
    const m = manualRun();
    const b = new StatementBatcher(m.run, { maxBatch: 10, maxInFlight: 2 });
    void b.submit(1);
    void b.submit(2);
    void b.submit(3);
    expect(m.batches).toEqual([[1], [2]]);
    m.pending[1].finish();
    await tick();
    expect(m.batches).toEqual([[1], [2], [3]]);
  });

  it("gives an item's own error to that item's caller only", async () => {
    const m = manualRun();
    const b = new StatementBatcher(m.run, { maxBatch: 10, maxInFlight: 1 });
    void b.submit(0);
    const [ok, bad] = [b.submit(1), b.submit(2)];
    m.pending[0].finish();
    await tick();
    m.pending[1].finish(['row 1', new Error('taken')]);
    await expect(ok).resolves.toBe('row 1');
    await expect(bad).rejects.toThrow('taken');
  });

  it('retries the items of a failed statement one by one, so one bad row does not fail its neighbours', async () => {
    const m = manualRun();
    const b = new StatementBatcher(m.run, { maxBatch: 10, maxInFlight: 1 });
    void b.submit(0);
    const results = [1, 2, 3].map((i) => b.submit(i));
    m.pending[0].finish();
    await tick();
    m.pending[1].fail(new Error('statement failed'));
    await tick();
    expect(m.batches.slice(2)).toEqual([[1], [2], [3]]);
    m.pending[2].finish();
    m.pending[3].fail(new Error('row 2 is bad'));
    m.pending[4].finish();
    await expect(results[0]).resolves.toBe('row 1');
    await expect(results[1]).rejects.toThrow('row 2 is bad');
    await expect(results[2]).resolves.toBe('row 3');
  });

  it('refuses a run that answers for the wrong number of items', async () => {
    const m = manualRun();
    const b = new StatementBatcher(m.run, { maxBatch: 10, maxInFlight: 1 });
    void b.submit(0);
    const results = [b.submit(1), b.submit(2)];
    m.pending[0].finish();
    await tick();
    m.pending[1].finish(['row 1']);
    await expect(results[0]).rejects.toThrow('1 results for 2 items');
    await expect(results[1]).rejects.toThrow('1 results for 2 items');
  });

  it('does not retry one by one when the database is unavailable: every item gets that error at once', async () => {
    const m = manualRun();
    const b = new StatementBatcher(m.run, { maxBatch: 10, maxInFlight: 1 });
    void b.submit(0);
    const results = [1, 2, 3].map((i) => b.submit(i).then(String, (e: Error) => `rejected: ${e.message}`));
    m.pending[0].finish();
    await tick();
    m.pending[1].fail(new Error('timeout exceeded when trying to connect'));
    await tick();
    expect(m.batches).toEqual([[0], [1, 2, 3]]);
    expect(await Promise.all(results)).toEqual(Array(3).fill('rejected: timeout exceeded when trying to connect'));
  });
});
