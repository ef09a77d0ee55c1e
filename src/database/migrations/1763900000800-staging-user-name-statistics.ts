import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics on `lower(user_name)`. The unique index on it is partial (`WHERE deleted_at IS NULL`),
 * and PostgreSQL ignores the expression statistics of partial indexes when it estimates a
 * condition (selfuncs.c, examine_variable), so `filter=userName eq "…"` was estimated at 0.5 % of
 * the table — 5,000 rows at 1,000,000 users — instead of 1. Such estimates make page queries plan
 * sorts and window aggregates for thousands of rows, push the cost past `jit_above_cost` (a JIT
 * compile, ~18 ms, for a one-row lookup — measured), and tempt the planner into walking another
 * index. Expression statistics (PostgreSQL ≥ 14) give the planner the real distinct count.
 */
export class StagingUserNameStatistics1763900000800 implements MigrationInterface {
  name = 'StagingUserNameStatistics1763900000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE STATISTICS staging.scim_user__lower_user_name__stx ON (lower(user_name)) FROM staging.scim_user`,
    );
    await q.query(`ANALYZE staging.scim_user`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP STATISTICS staging.scim_user__lower_user_name__stx`);
  }
}
