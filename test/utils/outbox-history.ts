import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The relay deletes an outbox row once it is delivered. So that tests can still see every event a
 * use case wrote, and simulate a redelivery (a lost acknowledgement: the row is due again), each
 * test database keeps a copy of every deleted row in `test_delivered_outbox`, and the view
 * `test_outbox_log` shows both: every event ever written, delivered or not. Installed by the
 * jest global setup and by createIsolatedDatabase, never by the application's migrations.
 */
export async function installOutboxHistory(databaseUrl: string): Promise<void> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`CREATE TABLE test_delivered_outbox AS SELECT * FROM platform.outbox_message WITH NO DATA`);
    await c.query(`
      CREATE FUNCTION test_keep_delivered_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO test_delivered_outbox SELECT OLD.*;
        RETURN OLD;
      END $$`);
    await c.query(
      `CREATE TRIGGER test_keep_delivered_outbox AFTER DELETE ON platform.outbox_message FOR EACH ROW EXECUTE FUNCTION test_keep_delivered_outbox()`,
    );
    await c.query(
      `CREATE VIEW test_outbox_log AS SELECT * FROM platform.outbox_message UNION ALL SELECT * FROM test_delivered_outbox`,
    );
  } finally {
    await c.end();
  }
}

/** The delivered copies of the rows matching `where` (SQL over the outbox columns, `$1`… from params). */
export async function deliveredOutboxRows(
  dataSource: DataSource,
  where: string,
  params: unknown[] = [],
): Promise<Array<Record<string, any>>> {
  return dataSource.query(`SELECT * FROM test_delivered_outbox WHERE ${where} ORDER BY id`, params);
}

/** Puts delivered rows matching `where` back into the outbox as due: the relay delivers those events again. */
export async function redeliverOutboxRows(
  dataSource: DataSource,
  where: string,
  params: unknown[] = [],
): Promise<number> {
  const rows: unknown[] = await dataSource.query(
    `WITH gone AS (DELETE FROM test_delivered_outbox WHERE ${where} RETURNING *)
     INSERT INTO platform.outbox_message
       (event_id, event_name, version, tenant_id, payload, correlation_id, causation_id, actor, source_ip, occurred_at, priority)
     SELECT event_id, event_name, version, tenant_id, payload, correlation_id, causation_id, actor, source_ip, occurred_at, priority FROM gone
     RETURNING id`,
    params,
  );
  return rows.length;
}
