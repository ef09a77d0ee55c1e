import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: an append-only, hash-chained table (`audit.audit_entry`), the anchor the chain
 * restarts from after retention pruning (`audit.chain_anchor`), and the only sanctioned way to
 * delete entries (`audit.prune_entries`). See src/modules/audit/README.md.
 */
export class AuditCreateAuditTrail1763900000500 implements MigrationInterface {
  name = 'AuditCreateAuditTrail1763900000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS audit`);
    // `seq` is the global chain order (gapless: assigned under the chain lock). Every column but
    // `recorded_at` is covered by `hash` = sha256(prev_hash || canonical serialisation).
    await q.query(`
      CREATE TABLE audit.audit_entry (
        seq                 bigint      NOT NULL,
        id                  uuid        NOT NULL,
        occurred_at         timestamptz NOT NULL,
        tenant_id           uuid,
        actor_type          text        NOT NULL,
        actor_connection_id text,
        actor_token_id      text,
        action              text        NOT NULL,
        target_type         text,
        target_id           text,
        target_label        text,
        summary             text        NOT NULL,
        details             jsonb       NOT NULL DEFAULT '{}',
        correlation_id      text,
        source_ip           text,
        event_id            uuid,
        prev_hash           bytea       NOT NULL,
        hash                bytea       NOT NULL,
        recorded_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_entry__pk PRIMARY KEY (seq),
        CONSTRAINT audit_entry__id__uq UNIQUE (id),
        CONSTRAINT audit_entry__event_id__uq UNIQUE (event_id),
        CONSTRAINT audit_entry__seq__ck CHECK (seq > 0),
        CONSTRAINT audit_entry__actor_type__ck CHECK (actor_type IN ('scim', 'admin', 'system')),
        CONSTRAINT audit_entry__action__ck CHECK (action ~ '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$'),
        CONSTRAINT audit_entry__target__ck CHECK ((target_type IS NULL) = (target_id IS NULL)),
        CONSTRAINT audit_entry__details_object__ck CHECK (jsonb_typeof(details) = 'object'),
        CONSTRAINT audit_entry__hash_len__ck CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32),
        -- The hash covers occurredAt as an ISO string with milliseconds: keep the column exactly that.
        CONSTRAINT audit_entry__occurred_at_ms__ck CHECK (occurred_at = date_trunc('milliseconds', occurred_at))
      )`);
    await q.query(`CREATE INDEX audit_entry__tenant_id_seq__idx ON audit.audit_entry (tenant_id, seq)`);
    await q.query(`CREATE INDEX audit_entry__occurred_at_seq__idx ON audit.audit_entry (occurred_at, seq)`);

    // One row: the last pruned entry (seq 0 and 32 zero bytes = the genesis, nothing pruned yet).
    await q.query(`
      CREATE TABLE audit.chain_anchor (
        id               smallint    NOT NULL DEFAULT 1,
        last_pruned_seq  bigint      NOT NULL,
        last_pruned_hash bytea       NOT NULL,
        pruned_count     bigint      NOT NULL DEFAULT 0,
        pruned_at        timestamptz,
        CONSTRAINT chain_anchor__pk PRIMARY KEY (id),
        CONSTRAINT chain_anchor__single_row__ck CHECK (id = 1),
        CONSTRAINT chain_anchor__hash_len__ck CHECK (octet_length(last_pruned_hash) = 32)
      )`);
    await q.query(
      `INSERT INTO audit.chain_anchor (id, last_pruned_seq, last_pruned_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'))`,
    );

    // Append-only: UPDATE and DELETE are refused unless audit.prune_entries() is running, and then
    // only DELETEs of entries at or below the horizon it set (a prefix of the chain).
    await q.query(`
      CREATE FUNCTION audit.refuse_audit_modification() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        horizon text := coalesce(current_setting('audit.prune_horizon', true), '');
      BEGIN
        -- Nested IFs: PL/pgSQL does not promise to short-circuit AND, and OLD differs per table.
        IF horizon <> '' THEN
          IF TG_TABLE_NAME = 'audit_entry' AND TG_OP = 'DELETE' THEN
            IF OLD.seq <= horizon::bigint THEN
              RETURN OLD;
            END IF;
          ELSIF TG_TABLE_NAME = 'chain_anchor' AND TG_OP = 'UPDATE' THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit.% is append-only: % refused (entries leave only through audit.prune_entries)', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_entry__append_only
        BEFORE UPDATE OR DELETE ON audit.audit_entry
        FOR EACH ROW EXECUTE FUNCTION audit.refuse_audit_modification()`);
    await q.query(`
      CREATE TRIGGER audit_entry__no_truncate
        BEFORE TRUNCATE ON audit.audit_entry
        FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_audit_modification()`);
    await q.query(`
      CREATE TRIGGER chain_anchor__guarded
        BEFORE INSERT OR UPDATE OR DELETE ON audit.chain_anchor
        FOR EACH ROW EXECUTE FUNCTION audit.refuse_audit_modification()`);
    await q.query(`
      CREATE TRIGGER chain_anchor__no_truncate
        BEFORE TRUNCATE ON audit.chain_anchor
        FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_audit_modification()`);

    // Retention: deletes the chain prefix up to and including entry `up_to_seq` and moves the anchor
    // to it, so verification restarts from that entry's hash. SECURITY DEFINER: a deployment can
    // revoke UPDATE/DELETE/TRUNCATE on the tables from the application role and keep pruning.
    await q.query(`
      CREATE FUNCTION audit.prune_entries(up_to_seq bigint) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        anchor_seq bigint;
        anchor_hash bytea;
        removed bigint;
      BEGIN
        -- The same lock appends take: no entry is chained onto a row being pruned.
        PERFORM pg_advisory_xact_lock(hashtext('audit.chain'));
        SELECT last_pruned_seq INTO anchor_seq FROM audit.chain_anchor WHERE id = 1 FOR UPDATE;
        IF up_to_seq <= anchor_seq THEN
          RETURN 0;
        END IF;
        SELECT hash INTO anchor_hash FROM audit.audit_entry WHERE seq = up_to_seq;
        IF anchor_hash IS NULL THEN
          RAISE EXCEPTION 'audit entry % does not exist', up_to_seq;
        END IF;
        PERFORM set_config('audit.prune_horizon', up_to_seq::text, true);
        DELETE FROM audit.audit_entry WHERE seq <= up_to_seq;
        GET DIAGNOSTICS removed = ROW_COUNT;
        UPDATE audit.chain_anchor
           SET last_pruned_seq = up_to_seq, last_pruned_hash = anchor_hash,
               pruned_count = pruned_count + removed, pruned_at = now()
         WHERE id = 1;
        PERFORM set_config('audit.prune_horizon', '', true);
        RETURN removed;
      END
      $$`);

    // One CSV field (RFC 4180 + formula neutralisation), for the export's hot path: PostgreSQL
    // builds the file's bytes, Node only forwards them. Must agree with csvCell() in
    // src/modules/audit/domain/csv.ts (test/integration/audit checks it on generated strings).
    await q.query(`
      CREATE FUNCTION audit.csv_cell(value text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN value IS NULL THEN ''
          WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '"''' || replace(value, '"', '""') || '"'
          WHEN strpos(value, '"') > 0 OR strpos(value, ',') > 0 OR strpos(value, E'\n') > 0 OR strpos(value, E'\r') > 0
            THEN '"' || replace(value, '"', '""') || '"'
          ELSE value
        END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit.csv_cell(text)`);
    await q.query(`DROP FUNCTION audit.prune_entries(bigint)`);
    await q.query(`DROP TABLE audit.chain_anchor`);
    await q.query(`DROP TABLE audit.audit_entry`);
    await q.query(`DROP FUNCTION audit.refuse_audit_modification()`);
    await q.query(`DROP SCHEMA audit`);
  }
}
