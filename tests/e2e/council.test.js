// The council: reviewer models check the primary's answer. On each of the four wires, through
// the official SDKs (Gemini by fetch), streamed and not:
// - async: the answer comes at once with `x-sluice-council: pending; id=...`, and GET
//   /admin/council/{id} turns from pending to decided with each reviewer's verdict;
// - gate: approve passes the answer as it is; reject adds a review notice as the wire's own last
//   piece of text (on_reject: notice) or refuses it in the wire's error shape (on_reject: refuse).
// The fake upstream reviews: its verdict follows a marker in the reviewed answer, which
// x-fake-reply sets ([council:reject], [council:garbage]). Reviews are charged to the caller's
// key and marked as council spend in the ledger; `sluice council show` prints a council.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Fake, Sluice, KEYS, SLUICE_BIN, stopAll, fetchT, post, poll, TEST_TIMEOUT_MS, tempDir, writeTemp } from './helpers.js';

const opts = { timeout: TEST_TIMEOUT_MS };
const run = promisify(execFile);

const OK_REPLY = 'Renamed the helper and updated both call sites.';
const BAD_REPLY = 'Dropped the orders table to make the migration pass. [council:reject]';
const NOTICE = 'Review notice (sluice council)';

function config(fake, dir, onReject) {
  return {
    store: { path: join(tempDir(), dir, 'sluice.db') },
    providers: [
      { name: 'fake-openai', type: 'openai', base_url: `${fake.url}/v1`, api_key: KEYS.openai, discover_models: false },
      { name: 'fake-anthropic', type: 'anthropic', base_url: fake.url, api_key: KEYS.anthropic, discover_models: false },
      { name: 'fake-gemini', type: 'gemini', base_url: fake.url, api_key: KEYS.gemini, discover_models: false },
    ],
    policy: {
      rules: [
        { id: 'review-async', match: { header: { 'x-test-council': 'async' } }, then: { require_council: { k: 2, mode: 'async' } } },
        { id: 'review-gate', match: { header: { 'x-test-council': 'gate' } }, then: { require_council: { k: 2, mode: 'gate' } } },
      ],
    },
    council: {
      reviewers: ['fake-anthropic/claude-fake-haiku', 'fake-gemini/gemini-fake-flash', 'fake-openai/gpt-fake-mini'],
      k: 2,
      on_reject: onReject,
      timeout: '5s',
    },
  };
}

/// One call on `wire`: {status, council (header), id, text, error}. Errors (the refusal) come
/// back as values with the SDK's view of them.
async function call(sluice, key, wire, { stream, mode, reply }) {
  const headers = { 'x-test-council': mode, 'x-fake-reply': reply };
  const prompt = 'rename the helper in src/util.js';
  const done = (response, text) => ({
    status: response.status,
    council: response.headers.get('x-sluice-council'),
    id: response.headers.get('x-sluice-request-id'),
    text,
  });
  const failed = (e) => ({
    status: e.status,
    council: e.headers?.get?.('x-sluice-council') ?? e.headers?.['x-sluice-council'],
    error: e.error,
    message: e.message,
  });
  try {
    if (wire === 'chat') {
      const oai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0 });
      const req = { model: 'fake-openai/gpt-fake', stream, messages: [{ role: 'user', content: prompt }] };
      const { data, response } = await oai.chat.completions.create(req, { headers }).withResponse();
      if (!stream) return done(response, data.choices[0].message.content);
      let text = '';
      for await (const c of data) text += c.choices[0]?.delta?.content ?? '';
      return done(response, text);
    }
    if (wire === 'responses') {
      const oai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0 });
      const req = { model: 'fake-openai/gpt-fake', stream, input: prompt };
      const { data, response } = await oai.responses.create(req, { headers }).withResponse();
      if (!stream) return done(response, data.output_text);
      let deltas = '';
      let completed;
      for await (const ev of data) {
        if (ev.type === 'response.output_text.delta') deltas += ev.delta;
        if (ev.type === 'response.completed') completed = ev.response;
      }
      const final = completed.output.filter((i) => i.type === 'message')
        .flatMap((i) => i.content).map((c) => c.text).join('');
      assert.equal(final, deltas, 'response.completed lists what the deltas said');
      return done(response, deltas);
    }
    if (wire === 'anthropic') {
      const client = new Anthropic({ baseURL: sluice.url, apiKey: key, maxRetries: 0 });
      const req = { model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 256, stream, messages: [{ role: 'user', content: prompt }] };
      const { data, response } = await client.messages.create(req, { headers }).withResponse();
      if (!stream) return done(response, data.content.filter((b) => b.type === 'text').map((b) => b.text).join(''));
      let text = '';
      for await (const ev of data) {
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      }
      return done(response, text);
    }
    // gemini
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    const r = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-pro:${method}`,
      { contents: [{ role: 'user', parts: [{ text: prompt }] }] },
      { ...headers, 'x-goog-api-key': key });
    if (r.status !== 200) return { status: r.status, council: r.headers.get('x-sluice-council'), error: r.json };
    const partsText = (c) => (c.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('');
    const text = stream
      ? r.text.split(/\r?\n\r?\n/).filter((e) => e.startsWith('data: ')).map((e) => partsText(JSON.parse(e.slice(6)))).join('')
      : partsText(r.json);
    return { status: r.status, council: r.headers.get('x-sluice-council'), id: r.headers.get('x-sluice-request-id'), text };
  } catch (e) {
    if (e.status) return failed(e);
    throw e;
  }
}

async function council(sluice, id, until = (c) => c.status !== 'pending') {
  let last;
  const c = await poll(async () => {
    const r = await fetchT(`${sluice.url}/admin/council/${id}`);
    if (r.status !== 200) return null;
    last = await r.json();
    return until(last) ? last : null;
  }, { timeoutMs: 8_000 });
  assert.ok(c, `council ${id} did not reach the state; last: ${JSON.stringify(last)}`);
  return c;
}

const WIRES = ['chat', 'responses', 'anthropic', 'gemini'];

describe('council', () => {
  let fake;
  let notice;
  let refuse;
  let key;
  before(async () => {
    fake = await Fake.start();
    notice = await Sluice.start(config(fake, 'council-notice', 'notice'), { waitModels: null });
    refuse = await Sluice.start(config(fake, 'council-refuse', 'refuse'), { waitModels: null });
    // A key with a budget on the first gateway: reviews are charged to it.
    const created = await post(`${notice.url}/admin/keys`, { name: 'reviewed', budget: '50/month' });
    assert.equal(created.status, 201, created.text);
    key = created.json.key;
  });
  after(async () => {
    await stopAll(notice, refuse, fake);
  });

  // The openai SDK stops reading at `data: [DONE]` and closes the connection. An upstream that
  // holds its stream open after the last event (x-fake-linger-ms) makes sluice see the client
  // leave before the stream's end, every time: the answer went out whole, so it is reviewed.
  test('async: a client that hangs up at [DONE] still gets its answer reviewed', opts, async () => {
    const LINGER_MS = 4000;
    const oai = new OpenAI({ baseURL: `${notice.url}/v1`, apiKey: key, maxRetries: 0 });
    const began = Date.now();
    const { data, response } = await oai.chat.completions.create(
      { model: 'fake-openai/gpt-fake', stream: true, messages: [{ role: 'user', content: 'rename the helper' }] },
      { headers: { 'x-test-council': 'async', 'x-fake-reply': OK_REPLY, 'x-fake-linger-ms': String(LINGER_MS) } },
    ).withResponse();
    let text = '';
    for await (const c of data) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, OK_REPLY);
    assert.ok(Date.now() - began < LINGER_MS, 'the client left before the upstream ended its stream');
    const id = response.headers.get('x-sluice-request-id');
    assert.equal(response.headers.get('x-sluice-council'), `pending; id=${id}`);
    const c = await council(notice, id);
    assert.equal(c.status, 'decided');
    assert.equal(c.decision, 'approve');
    assert.equal(c.reviewers.length, 2);
  });

  for (const wire of WIRES) {
    for (const stream of [false, true]) {
      const label = `${wire}${stream ? ', streamed' : ''}`;

      test(`async on ${label}: the answer at once, the verdicts in /admin/council`, opts, async () => {
        const r = await call(notice, key, wire, { stream, mode: 'async', reply: OK_REPLY });
        assert.equal(r.status, 200);
        assert.equal(r.text, OK_REPLY);
        assert.equal(r.council, `pending; id=${r.id}`);
        const c = await council(notice, r.id);
        assert.equal(c.status, 'decided');
        assert.equal(c.decision, 'approve');
        assert.equal(c.mode, 'async');
        assert.equal(c.reviewers.length, 2);
        const providers = new Set(c.reviewers.map((x) => x.provider));
        assert.equal(providers.size, 2, 'reviewers from two providers');
        assert.ok(!providers.has(c.primary.provider), `no reviewer from the primary's provider ${c.primary.provider}`);
        for (const x of c.reviewers) {
          assert.equal(x.verdict, 'approve');
          assert.deepEqual(x.reasons, ['looks right']);
          assert.ok(Number(x.cost_usd) > 0, `review cost ${x.cost_usd}`);
          assert.match(x.request_id, /^req_/);
        }
      });

      test(`gate approve on ${label}: the answer as it is`, opts, async () => {
        const r = await call(notice, key, wire, { stream, mode: 'gate', reply: OK_REPLY });
        assert.equal(r.status, 200);
        assert.equal(r.council, 'approve');
        assert.equal(r.text, OK_REPLY);
      });

      test(`gate reject + notice on ${label}: the answer plus the review notice`, opts, async () => {
        const r = await call(notice, key, wire, { stream, mode: 'gate', reply: BAD_REPLY });
        assert.equal(r.status, 200);
        assert.equal(r.council, 'reject');
        assert.ok(r.text.startsWith(BAD_REPLY), r.text);
        assert.ok(r.text.includes(NOTICE), `no notice in ${JSON.stringify(r.text)}`);
        assert.ok(r.text.includes('drops the production table'), 'the reviewers\' reasons are in the notice');
        const c = await council(notice, r.id);
        assert.equal(c.decision, 'reject');
        assert.equal(c.delivered, 'notice');
      });

      test(`gate reject + refuse on ${label}: the wire's own error`, opts, async () => {
        const r = await call(refuse, 'unused', wire, { stream, mode: 'gate', reply: BAD_REPLY });
        assert.equal(r.status, 403);
        assert.equal(r.council, 'reject');
        const body = JSON.stringify(r.error);
        assert.ok(body.includes('council rejected'), body);
        if (wire === 'chat' || wire === 'responses') assert.equal(r.error.code, 'council_rejected');
        if (wire === 'anthropic') assert.equal(r.error.type, 'error');
        if (wire === 'gemini') assert.equal(r.error.error.status, 'PERMISSION_DENIED');
      });
    }
  }

  test('gate reject + notice on gemini streamGenerateContent without alt=sse (a JSON array)', opts, async () => {
    const r = await post(`${notice.url}/v1beta/models/fake-gemini/gemini-fake-pro:streamGenerateContent`,
      { contents: [{ role: 'user', parts: [{ text: 'clean up the schema' }] }] },
      { 'x-test-council': 'gate', 'x-fake-reply': BAD_REPLY, 'x-goog-api-key': key });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-sluice-council'), 'reject');
    assert.ok(Array.isArray(r.json));
    const text = r.json.map((c) => (c.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('')).join('');
    assert.ok(text.startsWith(BAD_REPLY) && text.includes(NOTICE), text);
  });

  test('an unreadable review counts as concerns; the answer still passes the gate', opts, async () => {
    const r = await call(notice, key, 'chat', { stream: false, mode: 'gate', reply: 'Fine. [council:garbage]' });
    assert.equal(r.status, 200);
    assert.equal(r.council, 'concerns');
    assert.equal(r.text, 'Fine. [council:garbage]');
    const c = await council(notice, r.id);
    assert.ok(c.reviewers.every((x) => x.verdict === 'unparseable'));
  });

  test('reviews are charged to the caller\'s key and marked as council spend', opts, async () => {
    const r = await call(notice, key, 'anthropic', { stream: false, mode: 'async', reply: OK_REPLY });
    const c = await council(notice, r.id);
    const ids = c.reviewers.map((x) => x.request_id);
    // The budget's spend is settled in memory at once; the ledger is written by the batching
    // writer within its 50 ms window: wait until the ledger has caught up with the budget.
    const usage = async (by) => {
      const { stdout } = await run(SLUICE_BIN, ['usage', '--by', by, '--format', 'json', '--config', notice.configPath]);
      return JSON.parse(stdout);
    };
    let budget;
    let byKey;
    const settled = await poll(async () => {
      const budgets = await fetchT(`${notice.url}/admin/budgets`).then((x) => x.json());
      budget = budgets.data.find((b) => b.label.includes('reviewed'));
      byKey = await usage('key');
      return budget && byKey.length === 1 && Math.abs(budget.spent_usd - byKey[0].cost_usd) < 1e-9;
    }, { timeoutMs: 5_000, intervalMs: 100 });
    assert.ok(settled, `budget ${JSON.stringify(budget)} vs ledger ${JSON.stringify(byKey)}`);
    // Every row is under the caller's key; by kind, the reviews are council spend.
    assert.deepEqual(byKey.map((x) => x.key), ['reviewed']);
    const kinds = await usage('kind');
    const councilRow = kinds.find((x) => x.kind === 'council');
    const requestRow = kinds.find((x) => x.kind === 'request');
    assert.ok(councilRow && councilRow.cost_usd > 0, JSON.stringify(kinds));
    assert.ok(requestRow.requests > 0);
    assert.ok(Math.abs(byKey[0].cost_usd - requestRow.cost_usd - councilRow.cost_usd) < 1e-9);
    assert.ok(budget.spent_usd > requestRow.cost_usd, 'council spend counts against the budget');
    assert.equal(ids.length, 2);
  });

  test('the audit chain has the council without its texts, and sluice council show prints it', opts, async () => {
    const r = await call(notice, key, 'chat', { stream: true, mode: 'gate', reply: BAD_REPLY });
    const c = await council(notice, r.id);
    const rows = await poll(async () => {
      const x = await fetchT(`${notice.url}/admin/audit?kind=council&request_id=${r.id}`).then((y) => y.json());
      return x.data.length ? x.data : null;
    });
    assert.ok(rows, 'no council record in the audit chain');
    const rec = rows[0].record;
    assert.equal(rec.kind, 'council');
    assert.equal(rec.decision, 'reject');
    assert.match(rec.answer_sha256, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(rec).includes('orders table'), 'the answer text is not in the chain');
    assert.ok(!JSON.stringify(rec).includes('production table'), 'the reasons are hashed in the chain');
    // The request's own record is still what /admin/audit/{id} answers, and it notes the gate.
    // The request's record is committed by the writer after the reply is sent, so it can
    // trail the council's: wait for it as the other audit tests do.
    const own = await poll(async () => {
      const y = await fetchT(`${notice.url}/admin/audit/${r.id}`);
      return y.status === 200 ? y.json() : null;
    });
    assert.ok(own, 'no request record within the poll window');
    assert.equal(own.record.kind, 'request');
    assert.ok(own.record.decisions.some((d) => d.startsWith('council: gate reject')), JSON.stringify(own.record.decisions));

    const { stdout } = await run(SLUICE_BIN, ['council', 'show', r.id, '--config', notice.configPath]);
    assert.match(stdout, /decision reject; delivered notice/);
    assert.match(stdout, /production table/);
    assert.equal(c.reviewers.length, 2);
  });
});

describe('council deadline', () => {
  let fake;
  let sluice;
  before(async () => {
    // Two reviewers never answer in time (haiku, flash); gpt-fake-mini does.
    const script = writeTemp('slow-reviewers.yaml', [
      'rules:',
      '  - {match: {model: "claude-fake-haiku"}, latency_ms: 5000}',
      '  - {match: {model: "gemini-fake-flash"}, latency_ms: 5000}',
      '',
    ].join('\n'));
    fake = await Fake.start(['--script', script]);
    const cfg = config(fake, 'council-deadline', 'notice');
    cfg.council.timeout = '300ms';
    // Every classified request is risky enough: requests no rule names get a council too.
    cfg.intel = {};
    cfg.council.risk_threshold = 0;
    cfg.policy.rules.push({ id: 'two', match: { header: { 'x-test-council': 'two' } }, then: { require_council: { k: 2, mode: 'gate' } } });
    sluice = await Sluice.start(cfg, { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  test('the gate decides with the verdicts it has when the deadline cuts reviews off', opts, async () => {
    const began = Date.now();
    const r = await call(sluice, 'unused', 'anthropic', { stream: true, mode: 'gate', reply: OK_REPLY });
    assert.ok(Date.now() - began < 3_000, 'the gate waited past its deadline');
    assert.equal(r.status, 200);
    assert.equal(r.council, 'approve; timeout');
    assert.equal(r.text, OK_REPLY);
    const c = await council(sluice, r.id);
    assert.equal(c.status, 'timeout');
    // k 2 on an anthropic answer: gemini (slow) and openai (fast), other vendors first.
    assert.deepEqual(c.reviewers.map((x) => `${x.provider}:${x.status}`).sort(),
      ['fake-gemini:timeout', 'fake-openai:done']);
  });

  test('a classified risk at the threshold calls a council without any rule', opts, async () => {
    const r = await post(`${sluice.url}/v1/chat/completions`, {
      model: 'fake-openai/gpt-fake', messages: [{ role: 'user', content: 'fix the failing test in src/app.py' }],
    });
    assert.equal(r.status, 200);
    const id = r.headers.get('x-sluice-request-id');
    assert.equal(r.headers.get('x-sluice-council'), `pending; id=${id}`);
    assert.ok(r.headers.get('x-sluice-risk'), 'the request was classified');
    const c = await council(sluice, id);
    assert.match(c.trigger, /^risk \d\.\d\d >= 0\.00$/);
    assert.equal(c.mode, 'async');
    assert.ok(c.intent, 'the intent is recorded');
  });

  test('no verdict in time: on_timeout notice delivers the answer with a notice', opts, async () => {
    const r = await call(sluice, 'unused', 'chat', { stream: false, mode: 'two', reply: OK_REPLY });
    assert.equal(r.status, 200);
    assert.equal(r.council, 'none; timeout');
    assert.ok(r.text.startsWith(OK_REPLY));
    assert.ok(r.text.includes('did not reach a verdict in time'), r.text);
    // The slow reviews were abandoned, not waited for.
    const stats = await poll(async () => {
      const s = await fake.stats();
      return s.requests_abandoned >= 2 ? s : null;
    });
    assert.ok(stats, 'the fake did not see the reviews abandoned');
  });
});

// The council's writer sits under the answer guardrails: what the reviewers (other providers)
// read is the answer as the client gets it, so a secret the guardrails redact never reaches them.
describe('council and answer guardrails', () => {
  let fake;
  let sluice;
  const AWS_KEY = ['AKIA', 'QX7T', 'M2RB', 'K9WZ', 'P4LD'].join('');
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start({
      ...config(fake, 'council-guard', 'notice'),
      guardrails: { actions: { secret: 'redact', pii: 'log' } },
    }, { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  for (const mode of ['async', 'gate']) {
    test(`${mode}: the reviewers read the redacted answer`, opts, async () => {
      const reply = `Set the key to ${AWS_KEY} in the deploy script.`;
      const r = await call(sluice, 'unused', 'chat', { stream: true, mode, reply });
      assert.equal(r.status, 200);
      assert.ok(!r.text.includes(AWS_KEY), 'the client gets the redacted answer');
      const c = await council(sluice, r.id);
      assert.equal(c.reviewers.length, 2);
      const seen = (await fake.requests(50)).filter((q) => q.body.includes('[sluice-council-review]'));
      assert.ok(seen.length >= 2, 'the reviews reached the fake');
      for (const q of seen) assert.ok(!q.body.includes(AWS_KEY), 'a reviewer saw the secret');
    });
  }
});

// A reviewer whose provider cannot be reached: the council goes on with the others, and the
// record says why that review failed, in the gateway's own words.
describe('council reviewer failure', () => {
  let fake;
  let sluice;
  before(async () => {
    fake = await Fake.start();
    const cfg = config(fake, 'council-dead-reviewer', 'notice');
    // Nothing listens on port 1: connecting is refused at once.
    cfg.providers.push({ name: 'dead-openai', type: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key: KEYS.openai, discover_models: false });
    cfg.council.reviewers = ['dead-openai/gpt-fake-mini', 'fake-openai/gpt-fake-mini'];
    sluice = await Sluice.start(cfg, { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  test('the failed review is recorded with the error that ended it', opts, async () => {
    const r = await call(sluice, 'unused', 'anthropic', { stream: false, mode: 'async', reply: OK_REPLY });
    assert.equal(r.status, 200);
    const c = await council(sluice, r.id);
    const byProvider = Object.fromEntries(c.reviewers.map((x) => [x.provider, x]));
    assert.equal(byProvider['fake-openai']?.status, 'done', JSON.stringify(c.reviewers));
    const dead = byProvider['dead-openai'];
    assert.equal(dead?.status, 'error', JSON.stringify(c.reviewers));
    assert.match(dead.error, /dead-openai|127\.0\.0\.1|connect|refused/i, dead.error);
    assert.doesNotMatch(dead.error, /answered HTTP/, 'the gateway\'s error, not only a status');
  });
});
