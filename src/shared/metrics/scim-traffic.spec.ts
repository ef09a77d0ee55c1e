import { ScimTraffic } from './scim-traffic';

describe('ScimTraffic', () => {
  const t0 = Date.parse('2026-12-02T10:59:59.000Z');

  it('counts requests, 4xx and 5xx per connection and UTC hour; take() hands them over once', () => {
    const traffic = new ScimTraffic();
    traffic.record('a', 200, t0);
    traffic.record('a', 401, t0 + 100);
    traffic.record('a', 503, t0 + 1000); // the next hour
    traffic.record('b', 201, t0);
    const taken = traffic.take();
    expect(taken).toEqual(
      expect.arrayContaining([
        {
          connectionId: 'a',
          hour: '2026-12-02T10:00:00.000Z',
          requests: 2,
          clientErrors: 1,
          serverErrors: 0,
          lastRequestAt: '2026-12-02T10:59:59.100Z',
        },
        {
          connectionId: 'a',
          hour: '2026-12-02T11:00:00.000Z',
          requests: 1,
          clientErrors: 0,
          serverErrors: 1,
          lastRequestAt: '2026-12-02T11:00:00.000Z',
        },
        {
          connectionId: 'b',
          hour: '2026-12-02T10:00:00.000Z',
          requests: 1,
          clientErrors: 0,
          serverErrors: 0,
          lastRequestAt: '2026-12-02T10:59:59.000Z',
        },
      ]),
    );
    expect(taken).toHaveLength(3);
    expect(traffic.take()).toEqual([]);
  });

  it('restores a failed flush into what was counted meanwhile', () => {
    const traffic = new ScimTraffic();
    traffic.record('a', 200, t0);
    const failed = traffic.take();
    traffic.record('a', 404, t0 + 50);
    traffic.restore(failed);
    expect(traffic.pending('a')).toEqual([
      {
        connectionId: 'a',
        hour: '2026-12-02T10:00:00.000Z',
        requests: 2,
        clientErrors: 1,
        serverErrors: 0,
        lastRequestAt: '2026-12-02T10:59:59.050Z',
      },
    ]);
    expect(traffic.pending('b')).toEqual([]);
  });

  it('keeps a bounded number of keys between flushes (connection ids in URLs are the caller’s)', () => {
    const traffic = new ScimTraffic();
    for (let i = 0; i < 10_050; i++) traffic.record(`junk-${i}`, 401, t0);
    expect(traffic.take()).toHaveLength(10_000);
  });
});
