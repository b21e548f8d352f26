// The audit log through the official SDKs: a record per request whose chain `sluice audit
// verify` checks; tampering with the SQLite file directly (an edited field, an edited filter
// value of a block, a deleted record, two records swapped, a forged record inserted, the tail
// cut off) named by sequence number; an export verified with the public key alone; no prompt
// text anywhere in the database files; admin events in the same chain; and `kill -9` under
// load: the chain still verifies and, with durability: strict, every response that completed
// has its record.
//
// Records are stored in blocks (docs/audit.md): a row of audit_blocks holds a writer
// transaction's records, one line each ("<seq> <hash> <record>"), zstd-compressed. The
// tampering here reads the lines back from an export and writes a block as plain text, which
// the store reads as well: what someone with write access to the file could do.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { join, dirname } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import {
  Fake, Sluice, SLUICE_BIN, tempDir, stopAll, fetchT, sleep, poll, KEYS, TEST_TIMEOUT_MS,
} from './helpers.js';

const run = promisify(execFile);
const opts = { timeout: TEST_TIMEOUT_MS * 2 };

let dirCounter = 0;
function auditConfig(fake, audit = {}) {
  const dir = join(tempDir(), `audit-${++dirCounter}`);
  return {
    store: { path: join(dir, 'sluice.db') },
    audit: { checkpoint_every: 5, checkpoint_seconds: 1, ...audit },
    default_provider: { openai: 'none' },  // an unknown model is a 404, audited as an error
    providers: [
      { name: 'fake-openai', type: 'openai', base_url: `${fake.url}/v1`, api_key: KEYS.openai, discover_models: false },
      { name: 'fake-anthropic', type: 'anthropic', base_url: fake.url, api_key: KEYS.anthropic, discover_models: false },
    ],
  };
}

const openai = (s) => new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 20_000 });
const anthropic = (s) => new Anthropic({ baseURL: s.url, apiKey: 'unused', maxRetries: 0, timeout: 20_000 });

/// `sluice audit ARGS...`; resolves {code, stdout, stderr} whatever the exit code.
function audit(...args) {
  // maxBuffer: spawnSync kills a child past 1 MiB of output by default, and an export after a
  // release build's 1.5 s of load is larger than that.
  const r = spawnSync(SLUICE_BIN, ['audit', ...args],
                      { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sql(db, statement) {
  const r = spawnSync('sqlite3', [db, statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

/// Every record as stored: {seq, hash, line} in chain order, from an export (the line is the
/// block's text for it, its record's bytes exactly as written).
function storedRecords(configPath) {
  const r = audit('export', '--config', configPath);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').filter((l) => l.startsWith('{"type":"record"')).map((l) => {
    const m = l.match(/^\{"type":"record","seq":(\d+),"hash":"([0-9a-f]+)","record":/);
    const record = l.slice(m[0].length, -1);
    return { seq: Number(m[1]), hash: m[2], record, line: `${m[1]} ${m[2]} ${record}` };
  });
}

/// The blocks of a database: [{first, last}] in order.
function blocks(db) {
  return sql(db, 'SELECT first_seq, last_seq FROM audit_blocks ORDER BY first_seq').split('\n')
    .map((l) => l.split('|').map(Number)).map(([first, last]) => ({ first, last }));
}

/// Rewrites every block of `db` from `lines` ([{seq, text}] in order, `seq` saying which block a
/// line goes to: the one whose range held that seq), each block as plain text; a block left
/// with no line is deleted.
function rewriteBlocks(db, lines) {
  const bs = blocks(db);
  const dir = dirname(db);
  bs.forEach((b, i) => {
    const next = i + 1 < bs.length ? bs[i + 1].first : Infinity;
    const mine = lines.filter((l) => l.seq >= b.first && l.seq < next);
    if (mine.length === 0) {
      sql(db, `DELETE FROM audit_blocks WHERE first_seq = ${b.first}`);
      return;
    }
    const file = join(dir, `block-${b.first}.txt`);
    writeFileSync(file, mine.map((l) => l.text + '\n').join(''));
    sql(db, `UPDATE audit_blocks SET records = readfile('${file}') WHERE first_seq = ${b.first}`);
  });
}

/// A copy of the gateway's database (WAL included) to tamper with, and a config naming it.
function tamperCopy(sluice, name) {
  const cfg = JSON.parse(readFileSync(sluice.configPath, 'utf8'));
  const dir = join(tempDir(), `tamper-${name}-${++dirCounter}`);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'sluice.db');
  sql(cfg.store.path, `.backup '${db}'`);
  // The gateway's signing key (in the data dir beside its config), so signatures are checked.
  const key = join(dirname(sluice.configPath), 'sluice-data', 'audit.key');
  const configPath = join(dir, 'sluice.yaml');
  writeFileSync(configPath, JSON.stringify({ ...cfg, store: { path: db }, audit: { ...cfg.audit, signing_key_file: key } }));
  return { db, configPath };
}

describe('audit chain', () => {
  let fake;
  let sluice;
  const ids = [];
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start(auditConfig(fake), { waitModels: null });
    const oa = openai(sluice);
    for (let i = 0; i < 6; i++) {
      const { response } = await oa.chat.completions.create({
        model: 'fake-openai/gpt-fake-mini',
        messages: [{ role: 'user', content: `zebra-quartz-${i} please summarise the plan` }],
      }).withResponse();
      ids.push(response.headers.get('x-sluice-request-id'));
    }
    const stream = await anthropic(sluice).messages.create({
      model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 64, stream: true,
      messages: [{ role: 'user', content: 'zebra-quartz-stream tell me a story' }],
    });
    for await (const _ of stream) { /* drain */ }
    // An error is audited too.
    await assert.rejects(oa.chat.completions.create({ model: 'nobody/nothing', messages: [{ role: 'user', content: 'x' }] }));
    const { stdout } = await run(SLUICE_BIN, ['keys', 'create', '--name', 'auditor', '--config', sluice.configPath]);
    assert.match(stdout, /sk-sluice-/);
    // The writer commits in 50 ms windows, in order: once the error (the last request) and the
    // key event are in, everything before them is too.
    const committed = await poll(async () => {
      const errors = await fetchT(`${sluice.url}/admin/audit?decision=error`).then((x) => x.json());
      const keyEvent = await fetchT(`${sluice.url}/admin/audit?kind=key_created`).then((x) => x.json());
      return errors.data.length >= 1 && keyEvent.data.length === 1;
    });
    assert.ok(committed, 'the records were not committed within the poll window');
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  test('every request has a record; verify passes; the CLI shows the decision path', opts, async () => {
    const r = audit('verify', '--config', sluice.configPath, '--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.ok(report.records >= 10, `records: ${report.records}`);
    const show = audit('show', ids[2], '--config', sluice.configPath);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /served by gpt-fake-mini at fake-openai/);
    assert.match(show.stdout, /attempt 1 fake-openai\/gpt-fake-mini -> ok \(status 200/);
    const rec = JSON.parse(audit('show', ids[2], '--json', '--config', sluice.configPath).stdout);
    assert.equal(rec.status, 200);
    assert.equal(rec.decision, 'served');
    assert.match(rec.prompt_sha256, /^[0-9a-f]{64}$/);
    assert.match(rec.response_sha256, /^[0-9a-f]{64}$/);
    assert.ok(Number(rec.cost_usd) > 0);
    assert.ok(rec.usage.output > 0);
    // The prompt hash is reproducible from the request body alone.
    const body = JSON.stringify({ model: 'x', messages: [{ content: 'zebra-quartz-2 please summarise the plan', role: 'user' }] });
    const h = spawnSync(SLUICE_BIN, ['audit', 'prompt-hash', '--wire', 'openai_chat'], { input: body, encoding: 'utf8' });
    assert.equal(h.stdout.trim(), rec.prompt_sha256);
  });

  test('no prompt text is anywhere in the database files', opts, async () => {
    const cfg = JSON.parse(readFileSync(sluice.configPath, 'utf8'));
    for (const suffix of ['', '-wal']) {
      const path = cfg.store.path + suffix;
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      assert.equal(bytes.includes('zebra-quartz'), false, `prompt text found in ${path}`);
    }
  });

  test('admin events are in the same chain', opts, async () => {
    const page = await fetchT(`${sluice.url}/admin/audit?kind=key_created`).then((x) => x.json());
    assert.equal(page.data.length, 1);
    assert.match(page.data[0].record.detail, /key 'auditor' created/);
    const cfgEvents = await fetchT(`${sluice.url}/admin/audit?kind=config_loaded`).then((x) => x.json());
    assert.equal(cfgEvents.data.length, 1);
    assert.match(cfgEvents.data[0].record.detail, /version [0-9a-f]{16}/);
    // Filters and the single-record view.
    const errors = await fetchT(`${sluice.url}/admin/audit?decision=error`).then((x) => x.json());
    assert.ok(errors.data.length >= 1 && errors.data.every((d) => d.record.decision === 'error'));
    const served = await fetchT(`${sluice.url}/admin/audit?status=200`).then((x) => x.json());
    assert.ok(served.data.length >= 6 && served.data.every((d) => d.record.status === 200));
    assert.equal((await fetchT(`${sluice.url}/admin/audit?status=ok`)).status, 400);
    const one = await fetchT(`${sluice.url}/admin/audit/${ids[0]}`).then((x) => x.json());
    assert.equal(one.record.request_id, ids[0]);
    const page1 = await fetchT(`${sluice.url}/admin/audit?limit=3`).then((x) => x.json());
    assert.equal(page1.has_more, true);
    const page2 = await fetchT(`${sluice.url}/admin/audit?limit=3&${page1.next}`).then((x) => x.json());
    assert.ok(page2.data[0].seq < page1.data[2].seq);
  });

  // Each case: an edit of the records (seq, text) around the record at seq `n` (a chat request
  // of the run above; `placeOf` says where each line sits), and the kind the verifier must
  // name at `n`. An edit keeps every line in the block its original seq was in.
  const renumber = (text, seq) => `${seq}${text.slice(text.indexOf(' '))}`;
  const tampering = [
    ['an edited field', (rs, n) => rs.map((r) => (r.seq === n ? { ...r, text: r.text.replace('"status":200', '"status":201') } : r)), 'edited'],
    ['a deleted record', (rs, n) => rs.filter((r) => r.seq !== n), 'deleted'],
    ['a deleted record, later records renumbered', (rs, n) => rs.filter((r) => r.seq !== n)
      .map((r) => (r.seq > n ? { seq: r.seq, text: renumber(r.text, r.seq - 1) } : r)), 'deleted'],
    ['two records swapped', (rs, n) => {
      const a = rs.find((r) => r.seq === n);
      const b = rs.find((r) => r.seq === n + 1);
      return rs.map((r) => (r === a ? { seq: n, text: renumber(b.text, n) } : r === b ? { seq: n + 1, text: renumber(a.text, n + 1) } : r));
    }, 'reordered'],
    ['a forged record inserted', (rs, n) => {
      const before = rs.find((r) => r.seq === n - 1);
      const id = JSON.parse(before.text.slice(before.text.indexOf('{'))).request_id;
      const forged = { seq: n, text: renumber(before.text.replace(id, 'req_forged'), n) };
      const out = [];
      for (const r of rs) {
        if (r.seq === n) out.push(forged);
        // Later records move up one place but stay in their blocks.
        out.push(r.seq >= n ? { seq: r.seq, text: renumber(r.text, r.seq + 1) } : r);
      }
      return out;
    }, 'inserted'],
  ];
  tampering.forEach(([what, edit, kind], i) => {
    test(`${what} is detected at its record`, opts, async () => {
      const copy = tamperCopy(sluice, kind);
      assert.equal(audit('verify', '--config', copy.configPath).code, 0, 'the untouched copy verifies');
      const records = storedRecords(copy.configPath);
      const seq = records.find((r) => r.record.includes(`"request_id":"${ids[1 + (i % 4)]}"`)).seq;
      assert.ok(seq > 1);
      rewriteBlocks(copy.db, edit(records.map((r) => ({ seq: r.seq, text: r.line })), seq));
      const r = audit('verify', '--config', copy.configPath, '--json');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.problem.seq, seq, report.problem.message);
      assert.equal(report.problem.kind, kind, report.problem.message);
    });
  });

  test('an edited filter value of a block is detected at the first record it hides', opts, async () => {
    // A query filtering on model=gpt-fake-mini would skip the block: the verifier names the
    // block's first record with that model.
    const copy = tamperCopy(sluice, 'tags');
    const records = storedRecords(copy.configPath);
    const seq = records.find((r) => r.record.includes(`"request_id":"${ids[2]}"`)).seq;
    const block = blocks(copy.db).filter((b) => b.first <= seq).pop();
    sql(copy.db, `UPDATE audit_blocks SET tags = replace(tags, '"gpt-fake-mini"', '"gpt-cheap"') WHERE first_seq = ${block.first}`);
    const first = records.find((r) => r.seq >= block.first && r.record.includes('"model":"gpt-fake-mini"')).seq;
    const report = JSON.parse(audit('verify', '--config', copy.configPath, '--json').stdout);
    assert.equal(report.ok, false);
    assert.equal(report.problem.kind, 'edited', report.problem.message);
    assert.equal(report.problem.seq, first, report.problem.message);
    assert.match(report.problem.message, /filter values/);
  });

  test('records cut from the end are caught by the signed checkpoint after them', opts, async () => {
    // Wait for a checkpoint to cover the tail (every 5 records or 1 s here).
    const cfg = JSON.parse(readFileSync(sluice.configPath, 'utf8'));
    let covered = false;
    for (let i = 0; i < 40 && !covered; i++) {
      covered = sql(cfg.store.path, 'SELECT MAX(seq) FROM audit_checkpoints') ===
        sql(cfg.store.path, 'SELECT MAX(last_seq) FROM audit_blocks');
      if (!covered) await sleep(100);
    }
    assert.ok(covered, 'no checkpoint covered the tail within 4 s');
    const copy = tamperCopy(sluice, 'truncate');
    const records = storedRecords(copy.configPath);
    const last = records[records.length - 1].seq;
    rewriteBlocks(copy.db, records.filter((r) => r.seq < last - 1).map((r) => ({ seq: r.seq, text: r.line })));
    const report = JSON.parse(audit('verify', '--config', copy.configPath, '--json').stdout);
    assert.equal(report.ok, false);
    assert.equal(report.problem.kind, 'deleted');
    assert.equal(report.problem.seq, last - 1);
  });

  test('an export verifies with the public key alone, and an edit to it does not', opts, async () => {
    const dir = join(tempDir(), `export-${++dirCounter}`);
    mkdirSync(dir, { recursive: true });
    const pub = join(dir, 'audit.pub');
    const exp = join(dir, 'audit.jsonl');
    const pk = audit('public-key', '--config', sluice.configPath);
    assert.equal(pk.code, 0, pk.stderr);
    writeFileSync(pub, pk.stdout);
    assert.equal(audit('export', '--config', sluice.configPath, '-o', exp).code, 0);
    const lines = readFileSync(exp, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].type, 'header');
    assert.ok(lines.some((l) => l.type === 'checkpoint'), 'the export carries the checkpoints');
    // Verified in a directory with no config and no database: only the file and the key.
    const r = spawnSync(SLUICE_BIN, ['audit', 'verify', '--file', exp, '--public-key', pub, '--json'],
      { encoding: 'utf8', cwd: dir, env: { ...process.env, SLUICE_CONFIG: '' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const ok = JSON.parse(r.stdout);
    assert.equal(ok.signatures_checked, true);
    assert.ok(ok.checkpoints >= 1);
    // A forged record in the export, and a key that is not the gateway's.
    const text = readFileSync(exp, 'utf8').split('\n');
    const i = text.findIndex((l) => l.includes(ids[1]));
    text[i] = text[i].replace('"decision":"served"', '"decision":"denied"');
    writeFileSync(exp + '.forged', text.join('\n'));
    const bad = JSON.parse(audit('verify', '--file', exp + '.forged', '--public-key', pub, '--json').stdout);
    assert.equal(bad.ok, false);
    assert.equal(bad.problem.kind, 'edited');
    writeFileSync(pub + '.other', '11'.repeat(32) + '\n');
    const wrongKey = JSON.parse(audit('verify', '--file', exp, '--public-key', pub + '.other', '--json').stdout);
    assert.equal(wrongKey.ok, false);
    assert.equal(wrongKey.problem.kind, 'checkpoint');
    // CSV for spreadsheets.
    const csv = audit('export', '--config', sluice.configPath, '--format', 'csv');
    assert.match(csv.stdout.split('\n')[0], /^type,seq,time,kind,request_id/);
    assert.ok(csv.stdout.includes(ids[0]));
  });
});

/// Requests from `workers` concurrent loops until stopped; ids of responses that completed.
function load(sluice, workers = 16) {
  const oa = openai(sluice);
  const completed = [];
  let stop = false;
  const loops = Array.from({ length: workers }, async () => {
    while (!stop) {
      try {
        const { response } = await oa.chat.completions.create({
          model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'load' }],
        }).withResponse();
        completed.push(response.headers.get('x-sluice-request-id'));
      } catch {
        // the gateway was killed mid-request
      }
    }
  });
  return { completed, stop: async () => { stop = true; await Promise.all(loops); } };
}

for (const durability of ['batched', 'strict']) {
  test(`kill -9 under load (${durability}): the chain verifies after restart` +
       (durability === 'strict' ? ' and every completed response has its record' : ''), opts, async () => {
    const fake = await Fake.start();
    const config = auditConfig(fake, { durability, checkpoint_every: 1000, checkpoint_seconds: 60 });
    let sluice = await Sluice.start(config, { waitModels: null });
    const traffic = load(sluice);
    await sleep(1500);
    sluice.proc.child.kill('SIGKILL');
    await sluice.proc.exited;
    await traffic.stop();
    assert.ok(traffic.completed.length > 50, `only ${traffic.completed.length} requests completed`);
    // The database as the crash left it: the chain is whole.
    const r = audit('verify', '--config', sluice.configPath, '--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const have = new Set(storedRecords(sluice.configPath).map((r) => JSON.parse(r.record).request_id));
    const missing = traffic.completed.filter((id) => !have.has(id));
    if (durability === 'strict') {
      assert.deepEqual(missing, [], `${missing.length} completed responses have no record`);
    } else {
      // Batched loses at most the last commit window (50 ms) of records.
      assert.ok(missing.length < traffic.completed.length / 4, `${missing.length} of ${traffic.completed.length} missing`);
    }
    // A restarted gateway continues the same chain.
    sluice = await Sluice.start(config, { waitModels: null });
    await openai(sluice).chat.completions.create({ model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'after' }] });
    await stopAll(sluice, fake);
    const after = JSON.parse(audit('verify', '--config', sluice.configPath, '--json').stdout);
    assert.equal(after.ok, true, JSON.stringify(after));
    assert.equal(after.unsigned_tail, 0, 'a clean stop signs the tail');
  });
}

test('store_content: encrypted keeps the prompt and answer sealed, readable only with the master key', opts, async () => {
  const fake = await Fake.start();
  const config = auditConfig(fake, { store_content: 'encrypted' });
  const sluice = await Sluice.start(config, { waitModels: null });
  const { response } = await openai(sluice).chat.completions.create({
    model: 'fake-openai/gpt-fake-mini',
    messages: [{ role: 'user', content: 'walrus-sealed-prompt about the quarterly plan' }],
  }).withResponse();
  const id = response.headers.get('x-sluice-request-id');
  await stopAll(sluice, fake);
  for (const suffix of ['', '-wal']) {
    const path = config.store.path + suffix;
    if (existsSync(path)) assert.equal(readFileSync(path).includes('walrus-sealed'), false, `plain text in ${path}`);
  }
  const rec = JSON.parse(audit('show', id, '--json', '--config', sluice.configPath).stdout);
  assert.match(rec.content.prompt, /^v1\./);
  const shown = audit('show', id, '--content', '--config', sluice.configPath);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /--- prompt\n.*walrus-sealed-prompt/);
  assert.match(shown.stdout, /--- response\n\{/);
  assert.equal(audit('verify', '--config', sluice.configPath).code, 0);
});
