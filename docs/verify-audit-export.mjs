#!/usr/bin/env node
// Checks a Roster audit export (NDJSON) offline — plain Node ≥ 18, no dependencies:
//   1. the receipt (the last line, {"type":"head", …}) is signed by the Ed25519 public key you trust;
//   2. the entries link up: each one's prevHash is the hash of the entry before it (where the
//      export holds both), sequences rise, none is past the head; with --complete the export must
//      hold the whole chain up to the head, without gaps, its last entry being the head itself;
//   3. with the chain key (AUDIT_CHAIN_KEY, or --chain-key-file), every entry's hash: v3 entries are
//      HMAC-SHA256 under the key, older ones SHA-256 (v1/v2), and no unkeyed entry may follow a keyed one.
//      Without the key, unkeyed (v1/v2) entries are still checked and the keyed ones only linked.
//
// Usage:
//   node docs/verify-audit-export.mjs <export.ndjson> --public-key <base64url> [--complete]
//        [--chain-key-file <file>] [--expect-sequence <n> --expect-hash <hex>]
// --expect-*: a receipt kept from earlier (GET /admin/v1/audit-events/head): this export must reach it.
// Exit status: 0 verified, 1 a check failed (each failure printed), 2 usage or unreadable input.
// The rules are docs/operations.md's "Audit receipts"; src/modules/audit/domain/audit-chain.ts is the reference.
import { createHash, createHmac, createPublicKey, hkdfSync, verify } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import process from 'node:process';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const GENESIS = '0'.repeat(64);

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node docs/verify-audit-export.mjs <export.ndjson> --public-key <base64url> [--complete] [--chain-key-file <file>] [--expect-sequence <n> --expect-hash <hex>]\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { complete: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--public-key') opts.publicKey = value();
    else if (a === '--chain-key-file') opts.chainKeyFile = value();
    else if (a === '--expect-sequence') opts.expectSequence = Number(value());
    else if (a === '--expect-hash') opts.expectHash = value().toLowerCase();
    else if (a === '--complete') opts.complete = true;
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (opts.file === undefined) opts.file = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!opts.file) usage('the export file is missing');
  if (!opts.publicKey) usage('--public-key is missing: the key you trust, not the one inside the file');
  if ((opts.expectSequence === undefined) !== (opts.expectHash === undefined)) {
    usage('--expect-sequence and --expect-hash go together');
  }
  return opts;
}

/** JSON with object keys sorted at every depth, no whitespace: the bytes the chain hashes. */
function canonicalJson(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') {
    return typeof value === 'number' && !Number.isFinite(value) ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

const keyOf = (e) => (e.actor.type === 'admin' && e.actor.keyId !== undefined ? e.actor : null);
const scim = (e, field) => (e.actor.type === 'scim' ? e.actor[field] : null);

/** v1's fields, in order, after a rule's tag (the server's entryFields). */
const entryFields = (e) => [
  e.sequence,
  e.id,
  e.occurredAt,
  e.tenantId,
  e.actor.type,
  scim(e, 'connectionId'),
  scim(e, 'tokenId'),
  e.action,
  e.target?.type ?? null,
  e.target?.id ?? null,
  e.targetLabel,
  e.summary,
  e.details,
  e.correlationId,
  e.sourceIp,
  e.eventId,
];

/** v1/v2 (entries written before the chain was keyed). */
function legacyCanonical(e) {
  const key = keyOf(e);
  const tag = key ? 'roster.audit.v2' : 'roster.audit.v1';
  return canonicalJson([tag, ...entryFields(e), ...(key ? [key.keyId, key.keyName ?? '', key.scope ?? 'admin'] : [])]);
}

/** v3: v1's fields, the API key (or nulls), the subject (or nulls). */
function v3Canonical(e) {
  const key = keyOf(e);
  const s = e.subject ?? {};
  const keyFields = key ? [key.keyId, key.keyName ?? '', key.scope ?? 'admin'] : [null, null, null];
  return canonicalJson([
    'roster.audit.v3',
    ...entryFields(e),
    ...keyFields,
    s.userName ?? null,
    s.email ?? null,
    s.accountId ?? null,
  ]);
}

const sha256 = (prev, text) => createHash('sha256').update(Buffer.from(prev, 'hex')).update(text, 'utf8').digest('hex');
const hmac = (key, prev, text) =>
  createHmac('sha256', key).update(Buffer.from(prev, 'hex')).update(text, 'utf8').digest('hex');

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let text;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (err) {
    usage(`cannot read ${opts.file}: ${err.code ?? err.message}`);
  }
  const lines = text.split('\n').filter((l) => l !== '');
  const failures = [];
  const fail = (m) => failures.push(m);

  let head;
  try {
    head = JSON.parse(lines.pop() ?? 'null');
  } catch {
    head = null;
  }
  if (!head || head.type !== 'head') {
    process.stdout.write('FAIL: the last line is not the export\'s {"type":"head", …} receipt (truncated file?)\n');
    process.exit(1);
  }

  // 1. The receipt's signature, with the public key the reviewer trusts.
  const message = Buffer.from(JSON.stringify(['roster.audit.head.v1', head.sequence, head.hash, head.at]), 'utf8');
  const publicKey = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(opts.publicKey, 'base64url')]),
    format: 'der',
    type: 'spki',
  });
  if (!verify(null, message, publicKey, Buffer.from(String(head.signature), 'base64url'))) {
    fail('the receipt signature does not verify with the given public key');
  }
  if (head.publicKey !== opts.publicKey) fail('the receipt names another public key than the one given');

  // 3's key: HKDF-SHA256 of the secret, as the server derives it.
  const secret = opts.chainKeyFile
    ? readFileSync(opts.chainKeyFile, 'utf8').replace(/\r?\n$/, '')
    : process.env.AUDIT_CHAIN_KEY;
  const hmacKey = secret
    ? Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'roster.audit', 'roster.audit.chain.hmac', 32))
    : null;

  // 2 and 3, entry by entry.
  let previous = null;
  let keyedSeen = false;
  let unverified = 0;
  let gaps = 0;
  for (const [i, line] of lines.entries()) {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      fail(`line ${i + 1} is not JSON`);
      continue;
    }
    const at = `entry ${e.sequence} (line ${i + 1})`;
    if (e.sequence > head.sequence) fail(`${at} is past the receipt's head ${head.sequence}`);
    if (previous && e.sequence <= previous.sequence) fail(`${at} does not come after entry ${previous.sequence}`);
    if (previous && e.sequence === previous.sequence + 1 && e.prevHash !== previous.hash) {
      fail(`${at}: prevHash is not the hash of entry ${previous.sequence} (an entry was altered or replaced)`);
    }
    if (opts.complete) {
      const expected = previous ? previous.sequence + 1 : null;
      if (expected !== null && e.sequence !== expected)
        fail(`${at}: entries ${expected}..${e.sequence - 1} are missing`);
      if (!previous && e.sequence === 1 && e.prevHash !== GENESIS)
        fail(`${at}: the first entry does not start from the genesis`);
    } else if (previous && e.sequence !== previous.sequence + 1) gaps++;

    const legacy = sha256(e.prevHash, legacyCanonical(e)) === e.hash;
    if (hmacKey) {
      if (hmac(hmacKey, e.prevHash, v3Canonical(e)) === e.hash) keyedSeen = true;
      else if (!legacy)
        fail(`${at}: the hash matches neither its HMAC under the chain key nor the v1/v2 rule (altered)`);
      else if (keyedSeen) fail(`${at}: unkeyed hash after keyed entries (re-hashed without the key)`);
    } else if (legacy) {
      if (keyedSeen) fail(`${at}: unkeyed hash after keyed entries (re-hashed without the key)`);
    } else {
      keyedSeen = true;
      unverified++;
    }
    previous = e;
  }

  if (previous && previous.sequence === head.sequence && previous.hash !== head.hash) {
    fail(`the last entry (${previous.sequence}) has another hash than the receipt's head`);
  }
  if (opts.complete && (!previous || previous.sequence !== head.sequence) && head.sequence > 0) {
    fail(`the export ends at ${previous ? previous.sequence : 'no entry'}, not at the receipt's head ${head.sequence}`);
  }
  if (opts.expectSequence !== undefined) {
    const kept = opts.expectSequence === head.sequence ? head : null;
    const entry = lines.map((l) => JSON.parse(l)).find((x) => x.sequence === opts.expectSequence);
    const hash = kept?.hash ?? entry?.hash;
    if (hash === undefined) fail(`the export does not hold entry ${opts.expectSequence} of the kept receipt`);
    else if (hash !== opts.expectHash) fail(`entry ${opts.expectSequence} has another hash than the kept receipt`);
  }

  const summary = `${lines.length} entries, head ${head.sequence} ${head.hash} signed at ${head.at}`;
  if (failures.length > 0) {
    for (const f of failures) process.stdout.write(`FAIL: ${f}\n`);
    process.stdout.write(`NOT VERIFIED: ${summary}\n`);
    process.exit(1);
  }
  const notes = [
    hmacKey
      ? 'hashes checked with the chain key'
      : `${unverified} keyed entries linked but not re-hashed (no chain key)`,
    ...(gaps > 0 ? [`${gaps} gaps (a filtered export: continuity checked between neighbours only)`] : []),
  ];
  process.stdout.write(`VERIFIED: ${summary}; ${notes.join('; ')}\n`);
}

main();
