// Intent and risk on the request path: every request classified by the shipped model, with the
// blast radius from the code graph of the repository it names (x-sluice-repo, else the key's
// project), exposed as x-sluice-intent / x-sluice-risk, in the audit record, and as policy
// match fields.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Fake, Sluice, KEYS, SLUICE_BIN, REPO_ROOT, stopAll, fetchT, poll, TEST_TIMEOUT_MS, tempDir } from './helpers.js';

const opts = { timeout: TEST_TIMEOUT_MS };

describe('classification on the request path', () => {
  let fake;
  let sluice;
  before(async () => {
    const db = join(tempDir(), 'classify-graph.db');
    const idx = spawnSync(SLUICE_BIN, ['index', join(REPO_ROOT, 'tests/fixtures/graph_repo'), '--repo', 'fixture', '--db', db],
      { encoding: 'utf8' });
    assert.equal(idx.status, 0, idx.stderr);
    fake = await Fake.start();
    const origin = `http://127.0.0.1:${fake.port}`;
    sluice = await Sluice.start({
      store: { path: join(tempDir(), 'classify', 'sluice.db') },
      providers: [
        { name: 'fake-openai', type: 'openai', base_url: `${origin}/v1`, api_key: KEYS.openai, discover_models: false },
        { name: 'fake-anthropic', type: 'anthropic', base_url: origin, api_key: KEYS.anthropic, discover_models: false },
      ],
      intel: { graph: { db } },
      policy: {
        rules: [
          { id: 'high-stakes-review', match: { intent: 'high_stakes', risk: '>= 0.7' }, then: { tag: ['review'] } },
          { id: 'trivial-to-mini', match: { intent: 'trivial_edit' }, then: { route: 'fake-openai/gpt-fake-mini' } },
        ],
      },
    }, { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  const anthropic = () => new Anthropic({ baseURL: sluice.url, apiKey: 'unused', maxRetries: 0 });
  const ask = (text, headers = {}) => anthropic().messages.create({
    model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 64,
    messages: [{ role: 'user', content: text }],
  }, { headers }).withResponse();
  const record = async (id) => poll(async () => {
    const r = await fetchT(`${sluice.url}/admin/audit/${id}`);
    return r.status === 200 ? r.json() : null;
  });

  test('a high-stakes change: intent, risk, blast radius in a sensitive zone, and the policy sees them', opts, async () => {
    const { response } = await ask('Rotate the JWT signing secret used by py/app/auth/login.py and invalidate every existing session token',
      { 'x-sluice-repo': 'fixture' });
    assert.equal(response.headers.get('x-sluice-intent'), 'high_stakes');
    assert.ok(Number(response.headers.get('x-sluice-risk')) >= 0.7, response.headers.get('x-sluice-risk'));
    assert.match(response.headers.get('x-sluice-policy'), /high-stakes-review/);
    const rec = await record(response.headers.get('x-sluice-request-id'));
    assert.ok(rec, 'the audit record was written');
    const r = rec.record ?? rec;
    assert.equal(r.intel.intent, 'high_stakes');
    assert.equal(r.intel.repo, 'fixture');
    assert.equal(r.intel.blast_radius.sensitive_zone, true);
    assert.equal(r.intel.blast_radius.dependents, 1);
    assert.deepEqual(r.policy.tags, ['review']);
  });

  test('a typo fix is trivial, low risk, and a rule on intent routes it to the small model', opts, async () => {
    const { response } = await ask("Fix the typo in the docstring of py/app/util.py: 'recieve' should be 'receive'.",
      { 'x-sluice-repo': 'fixture' });
    assert.equal(response.headers.get('x-sluice-intent'), 'trivial_edit');
    assert.ok(Number(response.headers.get('x-sluice-risk')) < 0.3);
    const seen = (await fake.last()).path;
    assert.equal(seen, '/v1/chat/completions', 'routed to the OpenAI-wire small model');
    const rec = await record(response.headers.get('x-sluice-request-id'));
    const r = rec.record ?? rec;
    assert.equal(r.intel.blast_radius.dependents, 3, 'util.py is used by three files of the fixture');
    assert.equal(r.intel.blast_radius.fan_in, 2);
  });

  test('without a repository there is no blast radius, but intent and risk still come', opts, async () => {
    const { response } = await ask('What does a mutex protect against? Just explain.');
    assert.equal(response.headers.get('x-sluice-intent'), 'chat');
    const rec = await record(response.headers.get('x-sluice-request-id'));
    const r = rec.record ?? rec;
    assert.equal(r.intel.blast_radius, undefined);
  });

  test('the ledger keeps each request\'s intent, and sluice usage sums spend by intent', opts, async () => {
    const usage = () => JSON.parse(spawnSync(SLUICE_BIN,
      ['usage', '--by', 'intent', '--format', 'json', '--config', sluice.configPath], { encoding: 'utf8' }).stdout);
    // The three requests above (high_stakes, trivial_edit, chat) are in the ledger by now or soon.
    const rows = await poll(() => {
      const r = usage();
      return ['high_stakes', 'trivial_edit', 'chat'].every((i) => r.some((x) => x.intent === i)) ? r : null;
    });
    assert.ok(rows, 'every intent has a ledger row');
  });
});
