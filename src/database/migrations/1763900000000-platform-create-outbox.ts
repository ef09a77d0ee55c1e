import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Transactional outbox and per-handler inbox (house style §4.5). */
export class PlatformCreateOutbox1763900000000 implements MigrationInterface {
  name = 'PlatformCreateOutbox1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS platform`);
    await q.query(`
      CREATE TABLE platform.outbox_message (
        id             bigserial PRIMARY KEY,
        event_id       uuid        NOT NULL,
        event_name     text        NOT NULL,
        version        integer     NOT NULL DEFAULT 1,
        tenant_id      uuid,
        payload        jsonb       NOT NULL,
        correlation_id text,
        causation_id   text,
        actor          jsonb       NOT NULL DEFAULT '{"type":"system"}',
        source_ip      text,
        occurred_at    timestamptz NOT NULL DEFAULT now(),
        available_at   timestamptz NOT NULL DEFAULT now(),
        attempts       integer     NOT NULL DEFAULT 0,
        status         text        NOT NULL DEFAULT 'pending',
        locked_until   timestamptz,
        last_error     text,
        processed_at   timestamptz,
        CONSTRAINT outbox_message__event_id__uq UNIQUE (event_id),
        CONSTRAINT outbox_message__status__ck CHECK (status IN ('pending', 'processing', 'done', 'dead'))
      )`);
    await q.query(
      `CREATE INDEX outbox_message__due__idx ON platform.outbox_message (id) WHERE status IN ('pending', 'processing')`,
    );
    await q.query(`
      CREATE TABLE platform.processed_event (
        event_id     uuid        NOT NULL,
        handler      text        NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT processed_event__pk PRIMARY KEY (event_id, handler)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform.processed_event`);
    await q.query(`DROP TABLE platform.outbox_message`);
    await q.query(`DROP SCHEMA platform`);
  }
}
