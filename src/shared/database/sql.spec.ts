import { preparedStatementName } from './sql';

describe('preparedStatementName', () => {
  it('names a statement from its third use on, always with the same name', () => {
    const sql = `SELECT 1 /* ${Math.random()} */`;
    expect(preparedStatementName(sql)).toBeUndefined();
    expect(preparedStatementName(sql)).toBeUndefined();
    const name = preparedStatementName(sql);
    expect(name).toMatch(/^roster_\d+$/);
    expect(preparedStatementName(sql)).toBe(name);
  });

  it('gives different texts different names', () => {
    const names = ['a', 'b'].map((x) => {
      const sql = `SELECT '${x}' /* ${Math.random()} */`;
      for (let i = 0; i < 2; i++) preparedStatementName(sql);
      return preparedStatementName(sql);
    });
    expect(names[0]).not.toBe(names[1]);
  });

  it('stops naming new texts at its bound, and keeps the names it gave', () => {
    const first = `SELECT 'first' /* ${Math.random()} */`;
    for (let i = 0; i < 2; i++) preparedStatementName(first);
    const kept = preparedStatementName(first);
    const given = new Set<string>();
    for (let n = 0; n < 500; n++) {
      const sql = `SELECT ${n} /* ${Math.random()} */`;
      for (let i = 0; i < 2; i++) preparedStatementName(sql);
      const name = preparedStatementName(sql);
      if (name) given.add(name);
    }
    expect(given.size).toBeLessThan(128);
    expect(preparedStatementName(first)).toBe(kept);
  });
});
