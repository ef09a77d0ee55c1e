import { spawnSync } from 'node:child_process';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainHash, keyedChainHash } from '../../../src/modules/audit/domain/audit-chain';
import { AuditChainKeys, ED25519_SPKI_PREFIX } from '../../../src/modules/audit/domain/audit-chain-keys';
import type { AuditRecord } from '../../../src/modules/audit/domain/audit-entry';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createIsolatedTestApp, TEST_AUDIT_CHAIN_KEY, type TestApp } from '../../utils/create-test-app';

/**
 * Tamper evidence beyond the plain chain, on a chain of its own: the attacker is a database superuser
 * (triggers off, rows rewritten) who knows the published hash rules but not AUDIT_CHAIN_KEY; the
 * reviewer keeps signed heads. A deleted tail and a re-hashed rewrite must both fail `verify`
 * against the kept head, and the offline script in docs/ must reach the same verdicts on an export.
 */
interface Item {
  id: string;
  sequence: number;
  prevHash: string;
  hash: string;
  summary: string;
  [field: string]: unknown;
}
interface Receipt {
  sequence: number;
  hash: string;
  at: string;
  algorithm: string;
  signature: string;
  publicKey: string;
}

const SCRIPT = join(__dirname, '../../../docs/verify-audit-export.mjs');

describe('Audit receipts: keyed chain, signed head, verify against a kept head, offline check', () => {
  let t: TestApp;
  let dir: string;
  const keys = AuditChainKeys.fromSecret(TEST_AUDIT_CHAIN_KEY);

  beforeAll(async () => {
    t = await createIsolatedTestApp();
    dir = mkdtempSync(join(tmpdir(), 'roster-receipts-'));
    for (let i = 0; i < 3; i++) await createTenantWithConnection(t.admin);
    await t.drainOutbox();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const items = async (): Promise<Item[]> => (await t.admin.get('/admin/v1/audit-events?limit=1000')).body.items;
  const head = async (): Promise<Receipt> => {
    const res = await t.admin.get('/admin/v1/audit-events/head');
    expect(res.status).toBe(200);
    return res.body;
  };
  const verify = async (query = '') => {
    const res = await t.admin.get(`/admin/v1/audit-events/verify${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const against = (r: { sequence: number; hash: string }) =>
    verify(`?expectSequence=${r.sequence}&expectHash=${r.hash}`);
  /** A superuser's write: the append-only guard switched off around it. */
  const tamper = async (statements: Array<[string, unknown[]]>) => {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`ALTER TABLE audit.audit_entry DISABLE TRIGGER audit_entry__append_only`);
      for (const [sql, params] of statements) await runner.query(sql, params);
      await runner.query(`ALTER TABLE audit.audit_entry ENABLE TRIGGER audit_entry__append_only`);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };
  const stored = (): Promise<Array<Record<string, unknown>>> =>
    t.dataSource.query(`SELECT * FROM audit.audit_entry ORDER BY seq`);
  /** Puts rows back exactly as they were (deleted ones re-inserted, rewritten ones restored). */
  const restore = async (rows: Array<Record<string, unknown>>) => {
    const cols = Object.keys(rows[0]);
    await tamper([
      [`DELETE FROM audit.audit_entry`, []],
      ...rows.map(
        (row) =>
          [
            `INSERT INTO audit.audit_entry (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
            cols.map((c) => (c === 'details' ? JSON.stringify(row[c]) : row[c])),
          ] as [string, unknown[]],
      ),
    ]);
  };
  const record = (item: Item, summary = item.summary): AuditRecord =>
    ({ ...item, seq: item.sequence, summary }) as unknown as AuditRecord;
  /**
   * Rewrites entry `from`'s summary and re-hashes it and every later entry with `rule` (what a
   * forger without the key can compute), relinking prev_hash — a chain consistent under that rule.
   */
  const rewrite = async (from: number, rule: 'guessed-key' | 'unkeyed') => {
    const all = await items();
    const guessed = Buffer.alloc(32, 0x42);
    let prev: Buffer = Buffer.from(all.find((i) => i.sequence === from)!.prevHash, 'hex');
    const statements: Array<[string, unknown[]]> = [];
    for (const item of all.filter((i) => i.sequence >= from)) {
      const summary = item.sequence === from ? 'forged' : item.summary;
      const r = record(item, summary);
      const hash = rule === 'unkeyed' ? chainHash(prev, r) : keyedChainHash(guessed, prev, r);
      statements.push([
        `UPDATE audit.audit_entry SET summary = $2, prev_hash = $3, hash = $4, hash_version = $5 WHERE seq = $1`,
        [item.sequence, summary, prev, hash, rule === 'unkeyed' ? null : 3],
      ]);
      prev = hash;
    }
    await tamper(statements);
  };

  it('signs the head with an Ed25519 key derived from AUDIT_CHAIN_KEY: checkable with the public key alone', async () => {
    const all = await items();
    const last = all[all.length - 1];
    const receipt = await head();
    expect(receipt).toEqual({
      sequence: last.sequence,
      hash: last.hash,
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      algorithm: 'Ed25519',
      signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/),
      publicKey: keys.publicKey,
    });
    const publicKey = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(receipt.publicKey, 'base64url')]),
      format: 'der',
      type: 'spki',
    });
    const message = (r: Receipt) => Buffer.from(JSON.stringify(['roster.audit.head.v1', r.sequence, r.hash, r.at]));
    const signature = Buffer.from(receipt.signature, 'base64url');
    expect(verifySignature(null, message(receipt), publicKey, signature)).toBe(true);
    expect(verifySignature(null, message({ ...receipt, sequence: receipt.sequence + 1 }), publicKey, signature)).toBe(
      false,
    );
    // Every stored entry is keyed (v3).
    expect(await t.dataSource.query(`SELECT DISTINCT hash_version FROM audit.audit_entry`)).toEqual([
      { hash_version: 3 },
    ]);
    expect(await against(receipt)).toEqual({ ok: true, checked: all.length });
  });

  it('fails against a kept head when the newest entries are deleted, though the shortened chain is intact', async () => {
    const kept = await head();
    const before = await stored();
    await tamper([[`DELETE FROM audit.audit_entry WHERE seq > $1`, [kept.sequence - 2]]]);
    expect(await verify()).toEqual({ ok: true, checked: before.length - 2 });
    expect(await against(kept)).toEqual({
      ok: false,
      checked: before.length - 2,
      firstBrokenId: null,
      reason: `the chain ends at sequence ${kept.sequence - 2}, before the receipt's entry ${kept.sequence}: entries were deleted`,
    });
    // New entries appended over the gap reuse the sequences, not the hashes.
    await createTenantWithConnection(t.admin);
    await t.drainOutbox();
    expect(await verify()).toEqual({ ok: true, checked: before.length + 1 });
    expect(await against(kept)).toMatchObject({ ok: false, reason: expect.stringMatching(/another hash/) });
    await restore(before);
    expect(await against(kept)).toEqual({ ok: true, checked: before.length });
  });

  it('fails when an entry is rewritten and the chain re-hashed with a guessed key', async () => {
    const kept = await head();
    const before = await stored();
    await rewrite(3, 'guessed-key');
    expect(await verify()).toEqual({
      ok: false,
      checked: 2,
      firstBrokenId: before[2].id,
      reason: expect.stringMatching(/HMAC does not match .* without the key/),
    });
    expect(await against(kept)).toMatchObject({ ok: false, checked: 2 });
    await restore(before);
    expect(await against(kept)).toEqual({ ok: true, checked: before.length });
  });

  it('fails when an entry is rewritten and the rest re-hashed with the unkeyed v1 rule (a downgrade)', async () => {
    const kept = await head();
    const before = await stored();
    await rewrite(3, 'unkeyed');
    expect(await verify()).toEqual({
      ok: false,
      checked: 2,
      firstBrokenId: before[2].id,
      reason: expect.stringMatching(/unkeyed hash rule after keyed/),
    });
    expect(await against(kept)).toMatchObject({ ok: false });
    await restore(before);
  });

  it('a whole chain re-hashed with the unkeyed rule passes the plain walk — the kept head catches it', async () => {
    const kept = await head();
    const before = await stored();
    await rewrite(1, 'unkeyed');
    // Nothing inside the database tells a rewritten-from-genesis legacy chain from an old one:
    // that is what receipts (and exports checked offline with the key) are for.
    expect(await verify()).toEqual({ ok: true, checked: before.length });
    expect(await against(kept)).toEqual({
      ok: false,
      checked: before.length,
      firstBrokenId: null,
      reason: `entry ${kept.sequence} has another hash than the receipt: it, or an entry before it, was rewritten`,
    });
    await restore(before);
    expect(await against(kept)).toEqual({ ok: true, checked: before.length });
  });

  it.each([
    ['expectSequence=3', 'expectHash'],
    [`expectHash=${'a'.repeat(64)}`, 'expectSequence'],
    [`expectSequence=3&expectHash=${'a'.repeat(63)}`, 'expectHash'],
    [`expectSequence=-1&expectHash=${'a'.repeat(64)}`, 'expectSequence'],
    [`expectSequence=3&expectHash=${'a'.repeat(64)}&from=2025-01-01`, 'from'],
  ])('refuses verify?%s with 400 naming %s', async (query, field) => {
    const res = await t.admin.get(`/admin/v1/audit-events/verify?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  describe('docs/verify-audit-export.mjs on a real export', () => {
    const run = (file: string, args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [SCRIPT, file, ...args], {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };
    const save = (name: string, text: string) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    it('verifies an untouched export with the public key (and the HMACs with the chain key), and fails a doctored one', async () => {
      const res = await t.admin.get('/admin/v1/audit-events/export?format=ndjson');
      expect(res.status).toBe(200);
      const text = res.text;
      const file = save('whole.ndjson', text);
      const publicKey = res.headers.get('x-audit-head-public-key')!;
      const withKey = { AUDIT_CHAIN_KEY: TEST_AUDIT_CHAIN_KEY };

      expect(run(file, ['--public-key', publicKey, '--complete'], withKey)).toEqual({
        status: 0,
        out: expect.stringMatching(/^VERIFIED: \d+ entries, head \d+ [0-9a-f]{64} .*hashes checked with the chain key/),
      });
      expect(run(file, ['--public-key', publicKey, '--complete'])).toMatchObject({
        status: 0,
        out: expect.stringContaining('not re-hashed (no chain key)'),
      });
      const kept = await head();
      expect(
        run(file, ['--public-key', publicKey, '--expect-sequence', String(kept.sequence), '--expect-hash', kept.hash]),
      ).toMatchObject({ status: 0 });

      const lines = text.trimEnd().split('\n');
      // An entry's text changed (its hash left as it was): the HMAC no longer matches.
      const doctored = lines.map((l, i) => (i === 2 ? JSON.stringify({ ...JSON.parse(l), summary: 'nothing' }) : l));
      expect(run(save('doctored.ndjson', `${doctored.join('\n')}\n`), ['--public-key', publicKey], withKey)).toEqual({
        status: 1,
        out: expect.stringContaining('FAIL: entry 3 (line 3): the hash matches neither its HMAC'),
      });
      // The newest entries cut off, the receipt kept: --complete notices.
      const cut = [...lines.slice(0, -3), lines[lines.length - 1]];
      expect(run(save('cut.ndjson', `${cut.join('\n')}\n`), ['--public-key', publicKey, '--complete'])).toEqual({
        status: 1,
        out: expect.stringMatching(/FAIL: the export ends at \d+, not at the receipt's head/),
      });
      // A receipt re-signed by anyone else, or a head moved: the signature fails.
      const other = AuditChainKeys.fromSecret('another-secret-0123456789abcdef0123456789');
      expect(run(file, ['--public-key', other.publicKey])).toMatchObject({
        status: 1,
        out: expect.stringContaining('FAIL: the receipt signature does not verify'),
      });
      const receipt = JSON.parse(lines[lines.length - 1]);
      const moved = [...lines.slice(0, -1), JSON.stringify({ ...receipt, sequence: receipt.sequence - 1 })];
      expect(run(save('moved.ndjson', `${moved.join('\n')}\n`), ['--public-key', publicKey])).toMatchObject({
        status: 1,
      });
      expect(run(file, [])).toMatchObject({ status: 2, out: expect.stringContaining('--public-key is missing') });
    });

    it("checks a tenant's (filtered) export and its CSV twin carries the same head in its headers", async () => {
      const f = await createTenantWithConnection(t.admin);
      await t.drainOutbox();
      const ndjson = await t.admin.get(`/admin/v1/audit-events/export?format=ndjson&tenantId=${f.tenantId}`);
      const publicKey = ndjson.headers.get('x-audit-head-public-key')!;
      expect(
        run(save('tenant.ndjson', ndjson.text), ['--public-key', publicKey], { AUDIT_CHAIN_KEY: TEST_AUDIT_CHAIN_KEY }),
      ).toMatchObject({ status: 0, out: expect.stringMatching(/^VERIFIED: 3 entries/) });
      const csv = await t.admin.get(`/admin/v1/audit-events/export?format=csv&tenantId=${f.tenantId}`);
      const headers = (r: typeof csv) =>
        ['sequence', 'hash', 'algorithm', 'public-key'].map((h) => r.headers.get(`x-audit-head-${h}`));
      expect(headers(csv)).toEqual(headers(ndjson));
      expect(csv.headers.get('x-audit-head-signature')).toMatch(/^[A-Za-z0-9_-]{86}$/);
    });
  });
});
