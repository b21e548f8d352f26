// Governance through the official SDKs: virtual keys created with `sluice keys`, each auth
// failure as the SDK's typed error, allowlists, caps the fake provider can see, budgets
// (fallback, block, 200 concurrent requests against a small one), rate limits with OpenAI's
// headers, the usage ledger against the fake's own token counts, restarts and revocation.
// Every gateway here has its own store, so keys never leak between tests.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import {
  Fake, Sluice, SLUICE_BIN, tempDir, writeTemp, stopAll, fetchT, post, poll, sleep, KEYS, TEST_TIMEOUT_MS,
} from './helpers.js';

const run = promisify(execFile);
const opts = { timeout: TEST_TIMEOUT_MS };

// Catalog prices of the fake's models (data/catalog.yaml), USD per million tokens.
const PRICES = {
  'gpt-fake': { input: 2.0, output: 8.0, cache_read: 0.5 },
  'gpt-fake-mini': { input: 0.25, output: 2.0, cache_read: 0.025 },
  'claude-fake-sonnet': { input: 3.0, output: 15.0, cache_read: 0.3, cache_write: 3.75 },
  'gemini-fake-flash': { input: 0.30, output: 2.50, cache_read: 0.075 },
};

let storeCounter = 0;
/// A config whose store is private to one gateway.
function govConfig(fake, extra = {}) {
  const origin = fake.url;
  return {
    store: { path: join(tempDir(), `gov-${++storeCounter}`, 'sluice.db') },
    providers: [
      { name: 'fake-openai', type: 'openai', base_url: `${origin}/v1`, api_key: KEYS.openai, discover_models: false },
      { name: 'fake-anthropic', type: 'anthropic', base_url: origin, api_key: KEYS.anthropic, discover_models: false },
      { name: 'fake-gemini', type: 'gemini', base_url: origin, api_key: KEYS.gemini, discover_models: false },
    ],
    routes: {
      smart: { targets: ['fake-openai/gpt-fake', 'fake-openai/gpt-fake-mini'] },
      // Scored on the budget-remaining policy alone: ties (no budget) keep config order.
      thrifty: {
        strategy: 'scored',
        targets: ['fake-openai/gpt-fake', 'fake-openai/gpt-fake-mini'],
        weights: { cheapest: 0, health: 0, latency: 0, capability: 0, context: 0, budget: 1, ratelimit: 0, fairness: 0 },
      },
    },
    ...extra,
  };
}

/// Runs `sluice keys ...` against the gateway's config; returns stdout.
async function keys(sluice, ...args) {
  const { stdout } = await run(SLUICE_BIN, ['keys', ...args, '--config', sluice.configPath]);
  return stdout.trim();
}
/// Creates a key with the CLI and waits until the running gateway enforces it.
async function createKey(sluice, name, ...args) {
  const key = await keys(sluice, 'create', '--name', name, ...args);
  await waitLoaded(sluice);
  return key;
}
async function waitLoaded(sluice) {
  const loaded = await poll(async () => {
    const r = await fetchT(`${sluice.url}/admin/keys`).then((x) => x.json());
    return r.loaded;
  }, { timeoutMs: 3000, intervalMs: 20 });
  assert.ok(loaded, 'the gateway did not load the key change within 3 s');
}

const chat = (model, extra = {}) => ({
  model, messages: [{ role: 'user', content: 'hello there' }], ...extra,
});
const openai = (s, apiKey) => new OpenAI({ baseURL: `${s.url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 });
const anthropic = (s, apiKey) => new Anthropic({ baseURL: s.url, apiKey, maxRetries: 0, timeout: 20_000 });

/// A header of an SDK error (a Headers object in current SDKs, a plain object in older ones).
function hdr(err, name) {
  const h = err.headers;
  return typeof h?.get === 'function' ? h.get(name) : h?.[name];
}

async function lastBody(fake) {
  const [r] = await fake.requests(1);
  return JSON.parse(r.body);
}

/// The first instant of next month, UTC, as the gateway prints it.
function nextMonthIso(now = new Date()) {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return d.toISOString().replace('.000Z', 'Z');
}

async function usageJson(sluice, by = 'key') {
  const { stdout } = await run(SLUICE_BIN,
    ['usage', '--by', by, '--format', 'json', '--config', sluice.configPath]);
  return JSON.parse(stdout);
}

describe('auth: keys, scopes and caps', () => {
  let fake;
  let sluice;
  let alice;
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start(govConfig(fake), { waitModels: null });
    alice = await createKey(sluice, 'alice', '--user', 'alice', '--team', 'core',
      '--models', 'gpt-fake*,claude-fake-*,smart', '--max-reasoning', 'low',
      '--max-output-tokens', '300');
  });
  after(() => stopAll(sluice, fake));

  test('keys look like sk-sluice- and 256 bits; the store keeps no secret', opts, async () => {
    assert.match(alice, /^sk-sluice-[A-Za-z0-9_-]{43}$/);
    const list = JSON.parse(await keys(sluice, 'list', '--json'));
    assert.equal(list.length, 1);
    assert.equal(list[0].name, 'alice');
    assert.equal(list[0].status, 'live');
    assert.ok(!JSON.stringify(list).includes(alice.slice(14)), 'the secret is listed');
  });

  test('a valid key is served; the fake sees the provider key, never the virtual one', opts, async () => {
    const { data: r, response } = await openai(sluice, alice).chat.completions.create(chat('gpt-fake')).withResponse();
    assert.match(r.choices[0].message.content, /gpt-fake/);
    const cost = Number(response.headers.get('x-sluice-cost-usd'));
    const expected = (r.usage.prompt_tokens * PRICES['gpt-fake'].input + r.usage.completion_tokens * PRICES['gpt-fake'].output) / 1e6;
    assert.ok(Math.abs(cost - expected) < 1e-6, `x-sluice-cost-usd ${cost} vs usage × price ${expected}`);
    const line = await sluice.accessLine(response.headers.get('x-sluice-request-id'));
    assert.equal(line.key, 'alice');
    assert.ok(Math.abs(line.cost_usd - expected) < 1e-6);
    assert.ok(!JSON.stringify(line).includes(alice), 'the secret reached the access log');
    const [seen] = await fake.requests(1);
    assert.equal(seen.headers.authorization, `Bearer ${KEYS.openai}`);
    assert.ok(!JSON.stringify(seen).includes(alice), 'the virtual key reached the provider');
  });

  test('no key: 401 in the OpenAI shape', opts, async () => {
    const r = await post(`${sluice.url}/v1/chat/completions`, chat('gpt-fake'));
    assert.equal(r.status, 401);
    assert.equal(r.json.error.type, 'authentication_error');
    assert.match(r.json.error.message, /sluice virtual key/);
  });

  test('unknown key: AuthenticationError from both SDKs, in each wire shape', opts, async () => {
    await assert.rejects(openai(sluice, 'sk-sluice-nope').chat.completions.create(chat('gpt-fake')),
      (e) => e instanceof OpenAI.AuthenticationError && /unknown sluice key/.test(e.message));
    await assert.rejects(
      anthropic(sluice, KEYS.client).messages.create({
        model: 'claude-fake-sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }],
      }),
      (e) => e instanceof Anthropic.AuthenticationError && e.error?.error?.type === 'authentication_error'
        && /not a sluice key/.test(e.message));
  });

  test('expired key: 401 that says when it expired', opts, async () => {
    const key = await createKey(sluice, 'short-lived', '--expires', '1s');
    await sleep(1100);
    await assert.rejects(openai(sluice, key).chat.completions.create(chat('gpt-fake')),
      (e) => e instanceof OpenAI.AuthenticationError && /expired at 20\d\d-/.test(e.message));
  });

  test('a model outside the allowlist: 403 that names what is allowed', opts, async () => {
    await assert.rejects(openai(sluice, alice).chat.completions.create(chat('gemini-fake-pro')),
      (e) => e instanceof OpenAI.PermissionDeniedError && e.status === 403
        && /'gemini-fake-pro' is not allowed for key 'alice'; allowed: gpt-fake\*, claude-fake-\*, smart/.test(e.message));
  });

  test('reasoning effort above the cap reaches the provider clamped', opts, async () => {
    const { response } = await openai(sluice, alice).chat.completions
      .create(chat('gpt-fake', { reasoning_effort: 'high' })).withResponse();
    const body = await lastBody(fake);
    assert.equal(body.reasoning_effort, 'low');
    assert.match(response.headers.get('x-sluice-capped'), /reasoning_effort high->low/);
  });

  test('a service tier outside the key\'s set reaches the provider downgraded', opts, async () => {
    const key = await createKey(sluice, 'tiered', '--service-tiers', 'default,flex');
    const { response } = await openai(sluice, key).chat.completions
      .create(chat('gpt-fake', { service_tier: 'priority' })).withResponse();
    assert.equal((await lastBody(fake)).service_tier, 'default');
    assert.match(response.headers.get('x-sluice-capped'), /service_tier priority->default/);
    await openai(sluice, key).chat.completions.create(chat('gpt-fake', { service_tier: 'flex' }));
    assert.equal((await lastBody(fake)).service_tier, 'flex', 'an allowed tier was changed');
  });

  test('Anthropic thinking budget and max_tokens are capped in the Anthropic wire', opts, async () => {
    await anthropic(sluice, alice).messages.create({
      model: 'claude-fake-sonnet', max_tokens: 20000,
      thinking: { type: 'enabled', budget_tokens: 16000 },
      messages: [{ role: 'user', content: 'think hard' }],
    });
    const body = await lastBody(fake);
    assert.equal(body.max_tokens, 300);
    assert.ok(body.thinking.type === 'disabled' || body.thinking.budget_tokens < 300,
      `thinking still larger than the output cap: ${JSON.stringify(body.thinking)}`);
  });

  test('revocation through the CLI is refused by the running gateway within a second', opts, async () => {
    const key = await createKey(sluice, 'soon-revoked');
    const client = openai(sluice, key);
    // Wait until the gateway's poller has this key.
    await poll(async () => {
      try {
        await client.chat.completions.create(chat('gpt-fake'));
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 3000 });
    await keys(sluice, 'revoke', 'soon-revoked');
    const revokedAt = Date.now();
    const refused = await poll(async () => {
      try {
        await client.chat.completions.create(chat('gpt-fake'));
        return false;
      } catch (e) {
        return e instanceof OpenAI.AuthenticationError && /revoked/.test(e.message);
      }
    }, { timeoutMs: 3000, intervalMs: 20 });
    const took = Date.now() - revokedAt;
    assert.ok(refused, 'the revoked key was still accepted after 3 s');
    assert.ok(took < 1000, `revocation took ${took} ms to reach the gateway`);
  });

  test('the admin API creates, rotates and revokes keys; secrets only at create and rotate', opts, async () => {
    const created = await post(`${sluice.url}/admin/keys`, { name: 'api-made', models: ['gpt-fake'], rpm: 100 });
    assert.equal(created.status, 201);
    assert.match(created.json.key, /^sk-sluice-/);
    const client = openai(sluice, created.json.key);
    await client.chat.completions.create(chat('gpt-fake'));
    const shown = await fetchT(`${sluice.url}/admin/keys/${created.json.id}`).then((r) => r.json());
    assert.equal(shown.key, undefined);
    assert.deepEqual(shown.models, ['gpt-fake']);
    const rotated = await post(`${sluice.url}/admin/keys/${created.json.id}/rotate`, {});
    assert.equal(rotated.status, 200);
    await assert.rejects(client.chat.completions.create(chat('gpt-fake')), OpenAI.AuthenticationError);
    await openai(sluice, rotated.json.key).chat.completions.create(chat('gpt-fake'));
    const revoked = await fetchT(`${sluice.url}/admin/keys/${created.json.id}`, { method: 'DELETE' });
    assert.equal(revoked.status, 200);
    await assert.rejects(openai(sluice, rotated.json.key).chat.completions.create(chat('gpt-fake')),
      OpenAI.AuthenticationError);
  });
});

describe('budgets and rate limits', () => {
  let fake;
  let sluice;
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start(govConfig(fake, {
      rate_limits: { teams: [{ team: 'squad', rpm: 2 }] },
      // Spent by any request: the throttle test runs at 2 rpm from the first one.
      budgets: [{ team: 'slow-lane', limit: 0.000001, period: 'month', action: 'throttle', throttle_rpm: 2 }],
    }), { waitModels: null });
  });
  after(() => stopAll(sluice, fake));

  test('a team rate limit is shared by every key of the team', opts, async () => {
    const a = openai(sluice, await createKey(sluice, 'squad-a', '--team', 'squad'));
    const b = openai(sluice, await createKey(sluice, 'squad-b', '--team', 'squad'));
    await a.chat.completions.create(chat('gpt-fake'));
    await b.chat.completions.create(chat('gpt-fake'));
    const err = await a.chat.completions.create(chat('gpt-fake')).catch((e) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.match(err.message, /team 'squad' is limited to 2 requests per minute/);
    assert.ok(Number(hdr(err, 'retry-after')) >= 1);
  });

  test('fallback: a budget that cannot cover the strong model is served by the cheaper one, with a warning', opts, async () => {
    // Worst case with max_tokens 1000: gpt-fake ~$0.0081, gpt-fake-mini ~$0.0021.
    const key = await createKey(sluice, 'frugal', '--budget', '0.005/month', '--budget-action', 'fallback');
    const { data, response } = await openai(sluice, key).chat.completions
      .create(chat('smart', { max_tokens: 1000 })).withResponse();
    assert.equal(response.headers.get('x-sluice-model'), 'gpt-fake-mini');
    assert.match(data.choices[0].message.content, /gpt-fake-mini/);
    assert.equal(response.headers.get('x-sluice-fallback-reason'), 'budget');
    assert.match(response.headers.get('x-sluice-budget-warning'),
      /key 'frugal' has \$0\.005\d* of \$0\.005\d* left .*fake-openai\/gpt-fake does not fit, served by fake-openai\/gpt-fake-mini/);
  });

  test('budget state feeds routing: a scored route prefers what leaves more budget', opts, async () => {
    const tight = await createKey(sluice, 'tight', '--budget', '0.02/month');
    const free = await createKey(sluice, 'unbudgeted');
    const req = chat('thrifty', { max_tokens: 1000 });
    // Worst cases: gpt-fake ~$0.008 leaves 60% of $0.02, gpt-fake-mini ~$0.002 leaves 90%.
    const a = await openai(sluice, tight).chat.completions.create(req).withResponse();
    assert.equal(a.response.headers.get('x-sluice-model'), 'gpt-fake-mini');
    assert.equal(a.response.headers.get('x-sluice-fallback-reason'), null, 'this is a choice, not a fallback');
    const b = await openai(sluice, free).chat.completions.create(req).withResponse();
    assert.equal(b.response.headers.get('x-sluice-model'), 'gpt-fake');
  });

  test('throttle: a spent budget lets requests through at its throttle_rpm, then answers 429 with that limit', opts, async () => {
    // The key's own rpm is far higher: the refusal must report the throttle's bucket, not the key's.
    const client = openai(sluice, await createKey(sluice, 'slow', '--team', 'slow-lane', '--rpm', '100'));
    for (let i = 0; i < 2; i++) {
      const { response } = await client.chat.completions.create(chat('gpt-fake')).withResponse();
      assert.match(response.headers.get('x-sluice-budget-warning'), /team 'slow-lane' budget .*throttled to 2 rpm/);
    }
    const err = await client.chat.completions.create(chat('gpt-fake')).catch((e) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.match(err.message, /throttled to 2 requests per minute until then/);
    assert.equal(hdr(err, 'x-ratelimit-limit-requests'), '2');
    assert.equal(hdr(err, 'x-ratelimit-remaining-requests'), '0');
    assert.ok(Number(hdr(err, 'retry-after')) >= 1);
  });

  test('block: 429 that says which budget, how much, and when it resets', opts, async () => {
    const key = await createKey(sluice, 'tiny', '--budget', '0.001/month');
    const err = await openai(sluice, key).chat.completions
      .create(chat('gpt-fake', { max_tokens: 1000 })).catch((e) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.match(err.message, /key 'tiny' budget/);
    assert.match(err.message, /key 'tiny' budget has \$0\.0010 of \$0\.0010 left this month, less than this request may cost \(\$0\.008\d\)/);
    assert.ok(err.message.includes(nextMonthIso()), `no reset time in: ${err.message}`);
    assert.equal(hdr(err, 'x-should-retry'), 'false');
    assert.equal(hdr(err, 'x-sluice-budget-reset'), nextMonthIso());
    const { id } = JSON.parse(await keys(sluice, 'show', 'tiny', '--json'));
    const recorded = await poll(async () => {
      const ev = await fetchT(`${sluice.url}/admin/events`).then((r) => r.json());
      return ev.data.find((e) => e.kind === 'budget_exhausted' && e.scope === `key:${id}`);
    });
    assert.ok(recorded, 'no budget_exhausted event was recorded');
    assert.match(recorded.detail, /key 'tiny' budget/);
  });

  test('200 concurrent requests against a budget worth ten overspend by at most one worst case', opts, async () => {
    // max_tokens 8 keeps real output at the cap, so real cost is close to the worst case.
    const req = chat('gpt-fake-mini', { max_tokens: 8 });
    const bodyBytes = Buffer.byteLength(JSON.stringify(req));
    const worst = (Math.ceil(bodyBytes / 3) * 0.25 + 8 * 2.0) / 1e6;
    const budget = 10 * worst;
    const key = await createKey(sluice, 'swarm', '--budget', `${budget.toFixed(9)}/month`);
    const client = openai(sluice, key);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => client.chat.completions.create(req)));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const limited = results.filter((r) => r.status === 'rejected' && r.reason instanceof OpenAI.RateLimitError).length;
    assert.equal(ok + limited, 200, 'some requests failed for another reason');
    assert.ok(ok >= 10, `only ${ok} requests were served from a budget worth ten`);
    assert.ok(limited > 0, 'nothing was refused');
    const rows = await poll(async () => {
      const u = await usageJson(sluice, 'key');
      const row = u.find((r) => r.key === 'swarm');
      return row && row.requests === 200 ? row : null;
    }, { timeoutMs: 5000 });
    assert.ok(rows, 'the ledger does not have 200 rows for the key');
    assert.ok(rows.cost_usd <= budget + worst + 1e-12,
      `spent $${rows.cost_usd} against a budget of $${budget} (worst case $${worst})`);
    const state = await fetchT(`${sluice.url}/admin/budgets`).then((r) => r.json());
    const b = state.data.find((x) => x.label === "key 'swarm'");
    assert.ok(Math.abs(b.spent_usd - rows.cost_usd) < 1e-9, 'budget spend and ledger disagree');
    assert.ok(b.reserved_usd < 1e-12, `still reserved after every request settled: ${b.reserved_usd}`);
  });

  test('RPM limit: remaining counts down in OpenAI headers, then 429 with retry-after', opts, async () => {
    const key = await createKey(sluice, 'slow-lane', '--rpm', '3');
    const client = openai(sluice, key);
    const remaining = [];
    for (let i = 0; i < 3; ++i) {
      const { response } = await client.chat.completions.create(chat('gpt-fake')).withResponse();
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '3');
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
      assert.match(response.headers.get('x-ratelimit-reset-requests'), /^\d+(\.\d+)?m?s$|^\dm\d+s$/);
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const err = await client.chat.completions.create(chat('gpt-fake')).catch((e) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.match(err.message, /key 'slow-lane' is limited to 3 requests per minute/);
    const retry = Number(hdr(err, 'retry-after'));
    assert.ok(retry >= 1 && retry <= 20, `retry-after ${hdr(err, 'retry-after')}`);
    assert.equal(hdr(err, 'x-ratelimit-remaining-requests'), '0');
  });
});

describe('the usage ledger', () => {
  let fake;
  let sluice;
  let key;
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start(govConfig(fake), { waitModels: null });
    key = await createKey(sluice, 'ledger');
  });
  after(() => stopAll(sluice, fake));

  test('a chat stream gets usage for the ledger without showing the client an extra chunk', opts, async () => {
    const stream = await openai(sluice, key).chat.completions.create(chat('gpt-fake', { stream: true }));
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    assert.ok(chunks.length > 2);
    assert.ok(chunks.every((c) => c.choices.length > 0 && !c.usage), 'the client saw a usage chunk it did not ask for');
    const body = await lastBody(fake);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  test('the ledger total equals the fake provider\'s usage times catalog prices, across wires', opts, async () => {
    const oai = openai(sluice, key);
    const ant = anthropic(sluice, key);
    await oai.chat.completions.create(chat('gpt-fake-mini'));
    const s1 = await oai.chat.completions.create(chat('gpt-fake', { stream: true, stream_options: { include_usage: true } }));
    let sawUsage = false;
    for await (const c of s1) sawUsage ||= Boolean(c.usage);
    assert.ok(sawUsage, 'a client that asked for usage did not get it');
    await oai.responses.create({ model: 'gpt-fake', input: 'tell me something' });
    await ant.messages.create({ model: 'claude-fake-sonnet', max_tokens: 200, messages: [{ role: 'user', content: 'hi' }] });
    const s2 = ant.messages.stream({ model: 'claude-fake-sonnet', max_tokens: 200, messages: [{ role: 'user', content: 'stream please' }] });
    await s2.finalMessage();
    // Across wires: an Anthropic client on an OpenAI model (translated).
    await ant.messages.create({ model: 'fake-openai/gpt-fake-mini', max_tokens: 100, messages: [{ role: 'user', content: 'cross' }] });
    const gem = await post(`${sluice.url}/v1beta/models/gemini-fake-flash:generateContent`,
      { contents: [{ role: 'user', parts: [{ text: 'hello gemini' }] }] }, { 'x-goog-api-key': key });
    assert.equal(gem.status, 200);

    const stats = await fake.stats();
    let expected = 0;
    let requests = 0;
    for (const [model, u] of Object.entries(stats.usage)) {
      const p = PRICES[model];
      assert.ok(p, `no test price for ${model}`);
      const plain = u.input - u.cached - u.cache_write;
      expected += (plain * p.input + u.cached * p.cache_read
        + u.cache_write * (p.cache_write ?? p.input) + u.output * p.output) / 1e6;
      requests += u.requests;
    }
    const totals = await poll(async () => {
      const rows = await usageJson(sluice, 'model');
      const n = rows.reduce((a, r) => a + r.requests, 0);
      return n >= requests ? rows : null;  // the fake also counted the stream test above
    }, { timeoutMs: 5000 });
    assert.ok(totals, 'the ledger is missing rows');
    const ledger = totals.reduce((a, r) => a + r.cost_usd, 0);
    assert.ok(totals.every((r) => r.estimated_requests === 0), `estimated rows: ${JSON.stringify(totals)}`);
    assert.ok(Math.abs(ledger - expected) < 1e-9, `ledger $${ledger} vs fake usage × prices $${expected}`);
  });

  test('a stream cut before the provider reported usage gets an estimated ledger row', opts, async () => {
    const r = await post(`${sluice.url}/v1/chat/completions`,
      chat('claude-fake-haiku', { stream: true }),
      { authorization: `Bearer ${key}`, 'x-fake-reset-after': '2' });
    assert.equal(r.status, 200);
    assert.match(r.text, /"error"/, 'the cut stream did not end with an error event');
    const row = await poll(async () => {
      const rows = await usageJson(sluice, 'model');
      return rows.find((x) => x.model === 'claude-fake-haiku');
    }, { timeoutMs: 5000 });
    assert.ok(row, 'no ledger row for the cut stream');
    assert.equal(row.estimated_requests, 1);
    assert.ok(row.cost_usd > 0 && row.input_tokens > 0 && row.output_tokens > 0,
      `an estimate should price the prompt and what was relayed: ${JSON.stringify(row)}`);
  });

  test('sluice usage groups by user and prints CSV for chargeback', opts, async () => {
    const { stdout } = await run(SLUICE_BIN,
      ['usage', '--by', 'day', '--format', 'csv', '--config', sluice.configPath]);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'day,requests,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost_usd,estimated_requests,errors');
    assert.match(lines[1], /^\d{4}-\d\d-\d\d,\d+,\d+,\d+,\d+,\d+,\d+\.\d{6},1,\d+$/);
  });
});

describe('state survives a restart', () => {
  test('keys, budgets and spend are the same after a restart', opts, async () => {
    const fake = await Fake.start();
    const config = govConfig(fake);
    let sluice = await Sluice.start(config, { waitModels: null });
    const key = await createKey(sluice, 'durable', '--budget', '5/month');
    await openai(sluice, key).chat.completions.create(chat('gpt-fake'));
    const before = await poll(async () => {
      const s = await fetchT(`${sluice.url}/admin/budgets`).then((r) => r.json());
      const b = s.data.find((x) => x.label === "key 'durable'");
      return b && b.spent_usd > 0 ? b : null;
    });
    assert.ok(before, 'no spend recorded');
    await sluice.stop();
    sluice = await Sluice.start(config, { waitModels: null });
    try {
      const after = await fetchT(`${sluice.url}/admin/budgets`).then((r) => r.json());
      const b = after.data.find((x) => x.label === "key 'durable'");
      assert.ok(Math.abs(b.spent_usd - before.spent_usd) < 1e-12, `spend ${b.spent_usd} vs ${before.spent_usd}`);
      const r = await openai(sluice, key).chat.completions.create(chat('gpt-fake'));
      assert.match(r.choices[0].message.content, /gpt-fake/);
      await assert.rejects(openai(sluice, 'sk-sluice-other').chat.completions.create(chat('gpt-fake')),
        OpenAI.AuthenticationError);
    } finally {
      await stopAll(sluice, fake);
    }
  });
});

describe('provider credentials at rest', () => {
  test('a stored provider serves requests; its key is sealed in the database and never printed', opts, async () => {
    const fake = await Fake.start(['--require-key', 'stored-secret-key-42']);
    const config = govConfig(fake);
    const env = { ...process.env, SLUICE_MASTER_KEY: 'ab'.repeat(32) };
    const configPath = writeTemp('stored.yaml', JSON.stringify(config, null, 2));
    const add = spawnSync(SLUICE_BIN, ['providers', 'add', 'vault', '--type', 'openai',
      '--base-url', `${fake.url}/v1`, '--config', configPath], { input: 'stored-secret-key-42\n', env });
    assert.equal(add.status, 0, add.stderr.toString());
    assert.ok(!add.stdout.toString().includes('stored-secret-key-42'));
    const list = spawnSync(SLUICE_BIN, ['providers', 'list', '--config', configPath], { env });
    assert.match(list.stdout.toString(), /vault\s+openai/);
    assert.ok(!list.stdout.toString().includes('stored-secret-key-42'), 'providers list printed the key');
    const db = readFileSync(config.store.path);
    assert.ok(!db.includes(Buffer.from('stored-secret-key-42')), 'the key is in the database in clear');

    const sluice = await Sluice.start(config, { waitModels: null, env: { SLUICE_MASTER_KEY: 'ab'.repeat(32) } });
    try {
      const r = await post(`${sluice.url}/v1/chat/completions`, chat('vault/gpt-fake'));
      assert.equal(r.status, 200, r.text);
      const [seen] = await fake.requests(1);
      assert.equal(seen.headers.authorization, 'Bearer stored-secret-key-42');
      assert.ok(!sluice.proc.stderr.includes('stored-secret-key-42'), 'the key reached the log');
      assert.match(sluice.proc.stderr, /vault/);
    } finally {
      await stopAll(sluice, fake);
    }
    // Without the master key the provider is skipped with a reason, not served with garbage.
    const wrong = await Sluice.start(config, { waitModels: null, env: { SLUICE_MASTER_KEY: 'cd'.repeat(32) } });
    try {
      assert.match(wrong.proc.stderr, /stored provider 'vault' skipped: its key does not open with this master key/);
    } finally {
      await stopAll(wrong);
    }
  });
});
