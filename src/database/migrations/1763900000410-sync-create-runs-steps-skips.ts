import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync's history: one row per run (a state machine in_progress → completed | failed), its step log,
 * and the per-user skip reasons of each run. `watermark` is what the next incremental run reads
 * changes from: the run's start, or the start of the oldest writing transaction then in flight.
 *
 * Exactly one run per connection at a time: the runner holds a per-connection advisory lock for the
 * whole run AND the partial unique index below refuses a second `in_progress` row. A scheduled run
 * records its schedule slot; the second unique index makes replicas firing the same slot run once.
 */
export class SyncCreateRunsStepsSkips1763900000410 implements MigrationInterface {
  name = 'SyncCreateRunsStepsSkips1763900000410';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS sync`);
    await q.query(`
      CREATE TABLE sync.sync_run (
        id             uuid        PRIMARY KEY,
        tenant_id      uuid        NOT NULL,
        connection_id  text        NOT NULL,
        status         text        NOT NULL DEFAULT 'in_progress',
        trigger        text        NOT NULL,
        mode           text        NOT NULL,
        mode_reason    text,
        scheduled_slot timestamptz,
        since          timestamptz,
        watermark      timestamptz NOT NULL,
        context_hash   text,
        owner          text,
        started_at     timestamptz NOT NULL DEFAULT now(),
        heartbeat_at   timestamptz NOT NULL DEFAULT now(),
        finished_at    timestamptz,
        provisioned    integer     NOT NULL DEFAULT 0,
        updated        integer     NOT NULL DEFAULT 0,
        deprovisioned  integer     NOT NULL DEFAULT 0,
        skipped        integer     NOT NULL DEFAULT 0,
        unchanged      integer     NOT NULL DEFAULT 0,
        error          text,
        CONSTRAINT sync_run__status__ck CHECK (status IN ('in_progress', 'completed', 'failed')),
        CONSTRAINT sync_run__trigger__ck CHECK (trigger IN ('manual', 'scheduled')),
        CONSTRAINT sync_run__mode__ck CHECK (mode IN ('full', 'incremental', 'deprovision')),
        CONSTRAINT sync_run__finished__ck CHECK ((status = 'in_progress') = (finished_at IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX sync_run__connection_id__in_progress__uq ON sync.sync_run (connection_id) WHERE status = 'in_progress'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX sync_run__connection_id_scheduled_slot__uq ON sync.sync_run (connection_id, scheduled_slot) WHERE scheduled_slot IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX sync_run__connection_id_started_at__idx ON sync.sync_run (connection_id, started_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX sync_run__tenant_id__idx ON sync.sync_run (tenant_id)`);
    await q.query(`
      CREATE TABLE sync.sync_step (
        run_id      uuid        NOT NULL REFERENCES sync.sync_run (id) ON DELETE CASCADE,
        seq         integer     NOT NULL,
        name        text        NOT NULL,
        status      text        NOT NULL DEFAULT 'in_progress',
        started_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        counts      jsonb       NOT NULL DEFAULT '{}',
        detail      jsonb       NOT NULL DEFAULT '{}',
        CONSTRAINT sync_step__pk PRIMARY KEY (run_id, seq),
        CONSTRAINT sync_step__status__ck CHECK (status IN ('in_progress', 'completed', 'failed'))
      )`);
    await q.query(`
      CREATE TABLE sync.sync_run_skip (
        id             bigserial   PRIMARY KEY,
        run_id         uuid        NOT NULL REFERENCES sync.sync_run (id) ON DELETE CASCADE,
        staged_user_id uuid        NOT NULL,
        user_name      text,
        reason         text        NOT NULL,
        detail         text
      )`);
    await q.query(`CREATE INDEX sync_run_skip__run_id_id__idx ON sync.sync_run_skip (run_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sync.sync_run_skip`);
    await q.query(`DROP TABLE sync.sync_step`);
    await q.query(`DROP TABLE sync.sync_run`);
    await q.query(`DROP SCHEMA sync`);
  }
}
