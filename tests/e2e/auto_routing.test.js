// Auto routing (issue 8, items 4 and 6): the model names auto, auto:TIER and auto:TIER:DIRECTION
// served from the catalog's tiers with the intent classifier choosing the tier, POST
// /v1/feedback, and the learning simulation: two providers serving models of one tier, one of
// them worse; after the feedback budget most traffic goes to the better one.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Fake, Sluice, KEYS, SLUICE_BIN, stopAll, fetchT, post, poll, TEST_TIMEOUT_MS, tempDir } from './helpers.js';

const run = promisify(execFile);
const opts = { timeout: TEST_TIMEOUT_MS };

// Requests the shipped classifier puts in each class (as in classify.test.js).
const PROMPTS = {
  chat: 'What does a mutex protect against? Just explain.',
  trivial_edit: "Fix the typo in the docstring of py/app/util.py: 'recieve' should be 'receive'.",
  feature: 'Add a CSV export button to the reports page that downloads the table currently shown.',
  high_stakes: 'Rotate the JWT signing secret used by py/app/auth/login.py and invalidate every existing session token',
};

/// Four models on the fake: two of catalog tier 1-2 (fast), one of tier 3 (balanced), one of
/// tier 5 (frontier), each on its own provider so x-sluice-provider names the tier's pick.
function tieredConfig(origin, name, extra = {}) {
  const openaiProvider = (provider, models) => ({
    name: provider, type: 'openai', base_url: `${origin}/v1`, api_key: KEYS.openai, discover_models: false, models,
  });
  return {
    store: { path: join(tempDir(), name, 'sluice.db') },
    providers: [
      openaiProvider('p-fast', ['fast-cheap', 'fast-pricey']),
      openaiProvider('p-mid', ['mid-model']),
      { name: 'p-top', type: 'anthropic', base_url: origin, api_key: KEYS.anthropic, discover_models: false, models: ['top-model'] },
    ],
    catalog: [
      { id: 'fast-cheap', input: 0.1, output: 0.4, context: 128000, tier: 1 },
      { id: 'fast-pricey', input: 0.6, output: 2.4, context: 128000, tier: 2 },
      { id: 'mid-model', input: 3, output: 15, context: 200000, tier: 3 },
      { id: 'top-model', input: 15, output: 75, context: 200000, tier: 5 },
    ],
    intel: {},
    ...extra,
  };
}

const openai = (s, apiKey = 'unused') => new OpenAI({ baseURL: `${s.url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 });
const anthropic = (s, apiKey = 'unused') => new Anthropic({ baseURL: s.url, apiKey, maxRetries: 0, timeout: 20_000 });
const ask = (s, model, text, apiKey) => openai(s, apiKey).chat.completions.create({
  model, max_tokens: 32, messages: [{ role: 'user', content: text }],
}).withResponse();
const autoHeader = (response) => Object.fromEntries(
  response.headers.get('x-sluice-auto').split('; ').map((kv) => kv.split('=')));

describe('auto routing by tier', () => {
  let fake;
  let sluice;
  before(async () => {
    fake = await Fake.start();
    // No exploration: every choice is the direction's best, so the tests are exact.
    sluice = await Sluice.start(tieredConfig(`http://127.0.0.1:${fake.port}`, 'auto-tiers', {
      auto: { learning: { explore_cap: 0, explore_floor: 0 } },
    }), { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  test('auto picks the configured tier for each intent', opts, async () => {
    const expect = { chat: 'fast', trivial_edit: 'fast', feature: 'balanced', high_stakes: 'frontier' };
    const provider = { fast: 'p-fast', balanced: 'p-mid', frontier: 'p-top' };
    for (const [intent, tier] of Object.entries(expect)) {
      const { response } = await ask(sluice, 'auto', PROMPTS[intent]);
      assert.equal(response.headers.get('x-sluice-intent'), intent, PROMPTS[intent]);
      const a = autoHeader(response);
      assert.equal(a.tier, tier, `${intent}: ${response.headers.get('x-sluice-auto')}`);
      assert.equal(a.intent, intent);
      assert.equal(response.headers.get('x-sluice-provider'), provider[tier]);
      assert.equal(response.headers.get('x-sluice-route'), `auto:${tier}:default`);
    }
  });

  test('the Anthropic wire takes auto too (frontier served by translation or passthrough)', opts, async () => {
    const { response } = await anthropic(sluice).messages.create({
      model: 'auto:frontier', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }],
    }).withResponse();
    assert.equal(response.headers.get('x-sluice-model'), 'top-model');
    assert.equal(autoHeader(response).why, 'requested');
  });

  test('auto:TIER:DIRECTION: cost takes the cheap fast model, quality the better one', opts, async () => {
    const cheap = await ask(sluice, 'auto:fast:cost', PROMPTS.high_stakes);
    assert.equal(cheap.response.headers.get('x-sluice-model'), 'fast-cheap');
    assert.equal(autoHeader(cheap.response).tier, 'fast', 'a forced tier beats intent and risk');
    assert.equal(autoHeader(cheap.response).direction, 'cost');
    const good = await ask(sluice, 'auto:fast:quality', PROMPTS.chat);
    assert.equal(good.response.headers.get('x-sluice-model'), 'fast-pricey');
  });

  test('a bad tier or direction is a 400 in the client wire\'s shape', opts, async () => {
    await assert.rejects(ask(sluice, 'auto:medium', 'hi'), (err) => {
      assert.equal(err.status, 400);
      assert.equal(err.code, 'invalid_auto_model');
      assert.match(err.message, /unknown tier 'medium'/);
      return true;
    });
    await assert.rejects(anthropic(sluice).messages.create({
      model: 'auto:fast:slow', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }],
    }), (err) => {
      assert.equal(err.status, 400);
      assert.equal(err.error?.type, 'error');
      assert.equal(err.error?.error?.type, 'invalid_request_error');
      assert.match(err.error?.error?.message, /unknown direction 'slow'/);
      return true;
    });
  });

  test('/v1/models lists auto and each tier that has models', opts, async () => {
    const ids = (await openai(sluice).models.list()).data.map((m) => m.id);
    for (const id of ['auto', 'auto:fast', 'auto:balanced', 'auto:frontier']) assert.ok(ids.includes(id), id);
  });
});

describe('POST /v1/feedback', () => {
  let fake;
  let sluice;
  let alice;
  let bob;
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start(tieredConfig(`http://127.0.0.1:${fake.port}`, 'auto-feedback', { auth: 'on' }),
      { waitModels: null });
    const key = async (name, ...args) => (await run(SLUICE_BIN,
      ['keys', 'create', '--name', name, ...args, '--config', sluice.configPath])).stdout.trim();
    alice = await key('alice', '--models', 'fast-*');
    bob = await key('bob');
    await poll(async () => (await ask(sluice, 'auto:fast', 'hi', bob).then(() => true, () => false)),
      { timeoutMs: 3000 });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });
  const feedback = (apiKey, body) => post(`${sluice.url}/v1/feedback`, body, { authorization: `Bearer ${apiKey}` });

  test('counts once per (request, outcome), for the key that made the request only', opts, async () => {
    const { response } = await ask(sluice, 'auto:fast', PROMPTS.chat, alice);
    const id = response.headers.get('x-sluice-request-id');
    const first = await feedback(alice, { request_id: id, outcome: 'accepted', score: 0.5 });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.counted, true);
    assert.equal(first.json.intent, 'chat');
    assert.match(first.json.model, /^p-fast\/fast-/);
    const again = await feedback(alice, { request_id: id, outcome: 'accepted' });
    assert.equal(again.json.counted, false, 'idempotent');
    const other = await feedback(bob, { request_id: id, outcome: 'rejected' });
    assert.equal(other.status, 404, 'another key sees nothing');
    assert.equal(other.json.error.code, 'request_not_found');
    const unknown = await feedback(alice, { request_id: 'req_nope', outcome: 'rejected' });
    assert.equal(unknown.status, 404);
  });

  // The openai SDK stops reading a stream at `data: [DONE]` and hangs up; an upstream that
  // holds its stream open after the last event makes sluice see that before the stream's end.
  // The answer went out whole, so feedback on it still finds it.
  test('a streamed answer whose client hung up at [DONE] still takes feedback', opts, async () => {
    const LINGER_MS = 4000;
    const began = Date.now();
    const { data, response } = await openai(sluice, alice).chat.completions.create(
      { model: 'auto:fast', stream: true, max_tokens: 32, messages: [{ role: 'user', content: PROMPTS.chat }] },
      { headers: { 'x-fake-linger-ms': String(LINGER_MS) } },
    ).withResponse();
    for await (const c of data) void c;
    assert.ok(Date.now() - began < LINGER_MS, 'the client left before the upstream ended its stream');
    const id = response.headers.get('x-sluice-request-id');
    const counted = await poll(async () => {
      const r = await feedback(alice, { request_id: id, outcome: 'accepted' });
      return r.status === 200 ? r.json : null;
    });
    assert.ok(counted, `feedback on ${id} never found the request`);
    assert.equal(counted.counted, true);
  });

  test('bad bodies, a missing key and the wrong method', opts, async () => {
    const id = 'req_x';
    for (const [body, param] of [
      ['{not json', ''],
      [{ outcome: 'accepted' }, 'request_id'],
      [{ request_id: id, outcome: 'great' }, 'outcome'],
      [{ request_id: id, outcome: 'accepted', score: 2 }, 'score'],
      [{ request_id: id, outcome: 'accepted', rating: 1 }, 'rating'],
    ]) {
      const r = await post(`${sluice.url}/v1/feedback`, body, { authorization: `Bearer ${alice}` });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error.type, 'invalid_request_error');
      if (param) assert.equal(r.json.error.param, param);
    }
    const anon = await post(`${sluice.url}/v1/feedback`, { request_id: id, outcome: 'accepted' });
    assert.equal(anon.status, 401);
    const get = await fetchT(`${sluice.url}/v1/feedback`, { headers: { authorization: `Bearer ${alice}` } });
    assert.equal(get.status, 405);
  });

  test('the key\'s model allowlist narrows the tier; a tier it rules out is a 403', opts, async () => {
    const { response } = await ask(sluice, 'auto:fast', 'hello', alice);
    assert.match(response.headers.get('x-sluice-model'), /^fast-/);
    await assert.rejects(ask(sluice, 'auto:frontier', 'hello', alice), (err) => {
      assert.equal(err.status, 403);
      assert.equal(err.code, 'model_not_allowed');
      return true;
    });
  });
});

describe('routes that learn: the simulation', () => {
  let fake;
  let sluice;
  before(async () => {
    fake = await Fake.start();
    const origin = `http://127.0.0.1:${fake.port}`;
    // Two providers, each serving a fast model; the cheaper one is worse, so the direction's
    // score favours it at first and only the outcomes can move traffic away.
    sluice = await Sluice.start({
      store: { path: join(tempDir(), 'auto-sim', 'sluice.db') },
      providers: [
        { name: 'worse', type: 'openai', base_url: `${origin}/v1`, api_key: KEYS.openai, discover_models: false, models: ['sim-a'] },
        { name: 'better', type: 'openai', base_url: `${origin}/v1`, api_key: KEYS.openai, discover_models: false, models: ['sim-b'] },
      ],
      catalog: [
        { id: 'sim-a', input: 0.1, output: 0.4, context: 128000, tier: 2 },
        { id: 'sim-b', input: 0.2, output: 0.8, context: 128000, tier: 2 },
      ],
      auto: { direction: 'cost', learning: { seed: 8 } },
    }, { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  test('after the feedback budget, at least 80% of the traffic goes to the better provider', opts, async () => {
    // Seeded outcomes: the worse provider's answers are accepted 25% of the time, the better
    // one's 85%.
    let state = 42;
    const rand = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const acceptance = { worse: 0.25, better: 0.85 };
    const client = openai(sluice);
    const send = async () => {
      const { response } = await client.chat.completions.create({
        model: 'auto:fast', max_tokens: 8, messages: [{ role: 'user', content: 'summarise this' }],
      }).withResponse();
      return { id: response.headers.get('x-sluice-request-id'), provider: response.headers.get('x-sluice-provider') };
    };
    const BUDGET = 60;
    const seen = { worse: 0, better: 0 };
    for (let i = 0; i < BUDGET; i++) {
      const { id, provider } = await send();
      seen[provider]++;
      const outcome = rand() < acceptance[provider] ? 'accepted' : 'rejected';
      const r = await post(`${sluice.url}/v1/feedback`, { request_id: id, outcome });
      assert.equal(r.status, 200, r.text);
    }
    assert.ok(seen.worse > 0 && seen.better > 0, `both were tried during the budget: ${JSON.stringify(seen)}`);
    const after = { worse: 0, better: 0 };
    const M = 50;
    for (let i = 0; i < M; i++) after[(await send()).provider]++;
    assert.ok(after.better / M >= 0.8, `after the budget: ${JSON.stringify(after)} (during: ${JSON.stringify(seen)})`);

    // What was learned is on disk for `sluice intel stats`.
    await new Promise((r) => setTimeout(r, 300));
    const { stdout } = await run(SLUICE_BIN, ['intel', 'stats', '--config', sluice.configPath, '--json']);
    const rows = JSON.parse(stdout);
    const byModel = Object.fromEntries(rows.map((r) => [r.model, r]));
    assert.ok(byModel['better/sim-b'].posterior_mean > byModel['worse/sim-a'].posterior_mean, stdout);
    assert.equal(byModel['better/sim-b'].intent, 'unclassified', 'no intel section: one pool');
  });

  test('implicit signals are not read without classification; explicit feedback still works', opts, async () => {
    const r = await post(`${sluice.url}/v1/feedback`, { request_id: 'req_unknown', outcome: 'accepted' });
    assert.equal(r.status, 404);
  });
});

// Implicit signals (classified requests): the same request sent again at once fails the
// earlier one; a failed tool result in the next turn fails the request whose answer made that
// tool call. Each shows up as a failure in `sluice intel stats`.
describe('routes that learn: implicit signals', () => {
  let fake;
  let sluice;
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start(tieredConfig(`http://127.0.0.1:${fake.port}`, 'auto-implicit', {
      auto: { learning: { explore_cap: 0, explore_floor: 0 } },
    }), { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  const failures = async (intent) => {
    const { stdout } = await run(SLUICE_BIN, ['intel', 'stats', '--config', sluice.configPath, '--json']);
    return JSON.parse(stdout).filter((r) => r.intent === intent).reduce((n, r) => n + r.failures, 0);
  };

  test('a request retried at once counts as a failure of the first', opts, async () => {
    const first = await ask(sluice, 'auto', PROMPTS.chat);
    assert.equal(first.response.headers.get('x-sluice-intent'), 'chat');
    await poll(async () => (await failures('chat')) === 0, { timeoutMs: 2_000 });
    await ask(sluice, 'auto', PROMPTS.chat);  // the same request again: a retry
    const n = await poll(async () => ((await failures('chat')) >= 1 ? 1 : null), { timeoutMs: 3_000 });
    assert.equal(n, 1, 'the retry was not counted as a failure');
  });

  test('a failed tool call in the next turn counts as a failure of the previous request', opts, async () => {
    const instruction = 'Add a CSV export button to the reports page that downloads the table currently shown.';
    const turn1 = await anthropic(sluice).messages.create({
      model: 'auto', max_tokens: 32, messages: [{ role: 'user', content: instruction }],
    }).withResponse();
    const intent = turn1.response.headers.get('x-sluice-intent');
    assert.ok(intent, 'the request was classified');
    const before = await failures(intent);
    await anthropic(sluice).messages.create({
      model: 'auto', max_tokens: 32,
      messages: [
        { role: 'user', content: instruction },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm test' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: 'FAILED reports.test.js: exit code 1' }] },
      ],
    });
    const after = await poll(async () => {
      const n = await failures(intent);
      return n > before ? n : null;
    }, { timeoutMs: 3_000 });
    assert.ok(after > before, `no failure counted for ${intent}`);
  });
});
