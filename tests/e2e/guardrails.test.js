// Guardrails on requests through the official SDKs: a secret blocked with a 400 in each
// client's own error shape (the message names the kind, never the text), PII redacted before
// the provider sees it, denied tools removed from what goes upstream, a clean body passed
// through byte for byte, and findings in the audit record as counts only.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Fake, Sluice, SLUICE_BIN, KEYS, stopAll, fetchT, post, poll, TEST_TIMEOUT_MS, tempDir } from './helpers.js';
import { join } from 'node:path';

const opts = { timeout: TEST_TIMEOUT_MS };
// Built at run time so that no token-shaped string sits in the repository.
const AWS_KEY = ['AKIA', 'QX7T', 'M2RB', 'K9WZ', 'P4LD'].join('');

describe('guardrails on requests', () => {
  let fake;
  let sluice;
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start({
      store: { path: join(tempDir(), 'guard', 'sluice.db') },
      providers: [
        { name: 'fake-openai', type: 'openai', base_url: `${fake.url}/v1`, api_key: KEYS.openai, discover_models: false },
        { name: 'fake-anthropic', type: 'anthropic', base_url: fake.url, api_key: KEYS.anthropic, discover_models: false },
        { name: 'fake-gemini', type: 'gemini', base_url: fake.url, api_key: KEYS.gemini, discover_models: false },
      ],
      guardrails: {
        actions: { secret: 'block', pii: 'redact' },
        tools: { deny: ['Bash', 'mcp__*__delete*'] },
      },
    }, { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  const openai = () => new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const anthropic = () => new Anthropic({ baseURL: sluice.url, apiKey: 'unused', maxRetries: 0 });

  test('a secret is blocked in the OpenAI shape, naming the kind only', opts, async () => {
    const before = (await fake.requests(200)).length;
    const err = await openai().chat.completions.create({
      model: 'fake-openai/gpt-fake-mini',
      messages: [{ role: 'user', content: `deploy with key ${AWS_KEY} please` }],
    }).then(() => null, (e) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.code, 'guardrail_blocked');
    assert.match(err.message, /aws_access_key/);
    assert.ok(!err.message.includes(AWS_KEY));
    assert.equal((await fake.requests(200)).length, before, 'nothing went upstream');
  });

  test('a secret is blocked in the Anthropic and Gemini shapes', opts, async () => {
    const err = await anthropic().messages.create({
      model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 32,
      messages: [{ role: 'user', content: `here: ${AWS_KEY}` }],
    }).then(() => null, (e) => e);
    assert.ok(err instanceof Anthropic.BadRequestError, String(err));
    assert.equal(err.error.type, 'error');
    assert.match(err.error.error.message, /aws_access_key/);
    const g = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-flash:generateContent`,
      { contents: [{ role: 'user', parts: [{ text: `key ${AWS_KEY}` }] }] });
    assert.equal(g.status, 400);
    assert.equal(g.json.error.status, 'INVALID_ARGUMENT');
    assert.match(g.json.error.message, /aws_access_key/);
  });

  test('PII is redacted before the provider sees it, and counted in the audit record', opts, async () => {
    const { response } = await openai().chat.completions.create({
      model: 'fake-openai/gpt-fake-mini',
      messages: [{ role: 'user', content: 'mail jane.doe@corp-mail.net about the invoice' }],
    }).withResponse();
    assert.equal(response.headers.get('x-sluice-guardrails'), 'email=1');
    const seen = JSON.parse((await fake.last('/v1/chat/completions')).body);
    assert.equal(seen.messages[0].content, 'mail [REDACTED:email] about the invoice');
    const id = response.headers.get('x-sluice-request-id');
    // The record is committed within the writer's 50 ms window.
    const rec = await poll(async () => {
      const r = await fetchT(`${sluice.url}/admin/audit/${id}`);
      return r.status === 200 ? r.json() : null;
    });
    assert.ok(rec, 'no audit record within 3 s');
    assert.deepEqual(rec.record.guardrails, { email: 1 });
    assert.ok(!JSON.stringify(rec).includes('jane.doe'));
  });

  test('denied tools are removed from what goes upstream', opts, async () => {
    const tool = (name) => ({ name, description: name, input_schema: { type: 'object', properties: {} } });
    await anthropic().messages.create({
      model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 32,
      messages: [{ role: 'user', content: 'list the files' }],
      tools: [tool('Read'), tool('Bash'), tool('mcp__github__delete_repo'), tool('Grep')],
    });
    const seen = JSON.parse((await fake.last('/v1/messages')).body);
    assert.deepEqual(seen.tools.map((t) => t.name), ['Read', 'Grep']);
  });

  test('a clean request passes through byte for byte', opts, async () => {
    const body = '{"model":"fake-openai/gpt-fake-mini",  "messages":[{"role":"user","content":"what is 2+2?"}]}';
    const r = await fetchT(`${sluice.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body,
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-sluice-guardrails'), null);
    const seen = await fake.last('/v1/chat/completions');
    assert.equal(seen.body, body.replace('fake-openai/gpt-fake-mini', 'gpt-fake-mini'));
  });

  test('a bad guardrails section is rejected with file:line:column', opts, async () => {
    const path = join(tempDir(), 'bad-guard.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'guardrails:\n  actions:\n    pii: shred\n');
    const r = spawnSync(SLUICE_BIN, ['route', 'x', '--config', path], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /bad-guard\.yaml:3:\d+: .*shred/);
  });
});
