// Guardrails on answers through the official SDKs. The fake upstream answers with a chosen text
// (x-fake-reply, '|' marking where stream deltas split) and a chosen tool call
// (x-fake-tool-call), so a secret can arrive split across two stream chunks. Checked on every
// wire: the split secret is redacted in the text the SDK assembles, a block-action kind ends
// the stream with the wire's own error event after the safe text, whole answers are redacted
// or blocked (400 guardrail_blocked), a call to a denied tool is blocked streamed and not, and
// the audit record counts the findings by kind without any of their text.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Fake, Sluice, KEYS, stopAll, fetchT, post, poll, TEST_TIMEOUT_MS, tempDir } from './helpers.js';

const opts = { timeout: TEST_TIMEOUT_MS };
// Built at run time so that no token-shaped string sits in the repository.
const AWS_KEY = ['AKIA', 'QX7T', 'M2RB', 'K9WZ', 'P4LD'].join('');
const GH_TOKEN = ['ghp_', 'Q7RZ2K4M8N', '3P5T6VQ7RZ', '2K4M8N3P5T', '6VQ7RZ'].join('');
const CARD = ['4111', '1111', '1111', '1111'].join(' ');

// Each secret split across two deltas.
const SECRET_REPLY = `Sure. Here is the key ${AWS_KEY.slice(0, 10)}|${AWS_KEY.slice(10)} and the ` +
  `token ${GH_TOKEN.slice(0, 12)}|${GH_TOKEN.slice(12)} for staging.`;
const REDACTED = 'Sure. Here is the key [REDACTED:aws_access_key] and the token ' +
  '[REDACTED:github_token] for staging.';
// Safe text well past the 64-byte look-behind, then a card (a block kind) split in two.
const SAFE = 'Part one of a harmless answer. |Part two keeps going without secrets. |' +
  'Part three is fine as well. |Part four, still nothing to hide here. |';
const BLOCK_REPLY = `${SAFE}Now the card: ${CARD.slice(0, 9)}|${CARD.slice(9)} and more text.`;
const SAFE_TEXT = SAFE.replaceAll('|', '');

const reply = (text) => ({ headers: { 'x-fake-reply': text } });

/// Asserts that text shown before a block is a non-empty prefix of the safe part.
function assertSafePrefix(shown) {
  assert.ok(shown.length > 0, 'some safe text arrived before the block');
  assert.ok(SAFE_TEXT.startsWith(shown), `only safe text arrived: ${JSON.stringify(shown)}`);
}

/// Gemini's SSE (fetch): the text of every chunk, and the chunks.
function geminiChunks(text) {
  const chunks = text.split(/\r?\n\r?\n/).filter((e) => e.startsWith('data: '))
    .map((e) => JSON.parse(e.slice(6)));
  const joined = chunks.map((c) => (c.candidates?.[0]?.content?.parts ?? [])
    .map((p) => p.text ?? '').join('')).join('');
  return { chunks, text: joined };
}

describe('guardrails on answers', () => {
  let fake;
  let sluice;
  before(async () => {
    fake = await Fake.start();
    sluice = await Sluice.start({
      store: { path: join(tempDir(), 'guard-resp', 'sluice.db') },
      providers: [
        { name: 'fake-openai', type: 'openai', base_url: `${fake.url}/v1`, api_key: KEYS.openai, discover_models: false },
        { name: 'fake-anthropic', type: 'anthropic', base_url: fake.url, api_key: KEYS.anthropic, discover_models: false },
        { name: 'fake-gemini', type: 'gemini', base_url: fake.url, api_key: KEYS.gemini, discover_models: false },
      ],
      guardrails: {
        actions: { secret: 'redact', pii: 'log', credit_card: 'block' },
        tools: { deny: ['Bash', 'mcp__*__delete*'] },
        max_lookbehind: 64, // longer than the longest secret here (a 40-byte token)
      },
    }, { waitModels: null });
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  const openai = () => new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const anthropic = () => new Anthropic({ baseURL: sluice.url, apiKey: 'unused', maxRetries: 0 });
  const auditRecord = async (id) => {
    // Batched records commit within the writer's 50 ms window.
    const rec = await poll(async () => {
      const r = await fetchT(`${sluice.url}/admin/audit/${id}`);
      return r.status === 200 ? r.json() : null;
    });
    assert.ok(rec, `no audit record for ${id} within 3 s`);
    return rec;
  };
  const assertNoSecrets = (value) => {
    const text = JSON.stringify(value);
    for (const s of [AWS_KEY, GH_TOKEN, AWS_KEY.slice(10), GH_TOKEN.slice(12), CARD, CARD.slice(9)]) {
      assert.ok(!text.includes(s), `found ${s.slice(0, 4)}... in ${text.slice(0, 200)}`);
    }
  };

  describe('a secret split across two stream chunks is redacted', () => {
    test('chat completions (openai SDK), counted in the audit record', opts, async () => {
      const { data: stream, response } = await openai().chat.completions.create({
        model: 'fake-openai/gpt-fake-mini', stream: true,
        messages: [{ role: 'user', content: 'what is the staging key?' }],
      }, reply(SECRET_REPLY)).withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      assert.equal(text, REDACTED);
      const rec = await auditRecord(response.headers.get('x-sluice-request-id'));
      assert.deepEqual(rec.record.guardrails, { aws_access_key: 1, github_token: 1 });
      assert.equal(rec.record.status, 200);
      assertNoSecrets(rec);
    });

    test('anthropic messages (anthropic SDK)', opts, async () => {
      const stream = anthropic().messages.stream({
        model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 256,
        messages: [{ role: 'user', content: 'what is the staging key?' }],
      }, reply(SECRET_REPLY));
      let deltas = '';
      stream.on('text', (t) => { deltas += t; });
      const message = await stream.finalMessage();
      assert.equal(deltas, REDACTED);
      assert.equal(message.content.filter((b) => b.type === 'text').map((b) => b.text).join(''), REDACTED);
    });

    test('responses (openai SDK): the deltas and the completed response', opts, async () => {
      const stream = await openai().responses.create({
        model: 'fake-openai/gpt-fake', input: 'what is the staging key?', stream: true,
      }, reply(SECRET_REPLY));
      let deltas = '';
      let completed;
      for await (const ev of stream) {
        if (ev.type === 'response.output_text.delta') deltas += ev.delta;
        if (ev.type === 'response.completed') completed = ev.response;
      }
      assert.equal(deltas, REDACTED);
      const final = completed.output.filter((i) => i.type === 'message')
        .flatMap((i) => i.content).map((c) => c.text).join('');
      assert.equal(final, REDACTED);
    });

    test('gemini streamGenerateContent (fetch)', opts, async () => {
      const r = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-flash:streamGenerateContent?alt=sse`,
        { contents: [{ role: 'user', parts: [{ text: 'what is the staging key?' }] }] },
        { 'x-fake-reply': SECRET_REPLY });
      assert.equal(r.status, 200);
      assert.equal(geminiChunks(r.text).text, REDACTED);
      assertNoSecrets(r.text);
    });

    test('translated: an anthropic client on an OpenAI model', opts, async () => {
      const stream = anthropic().messages.stream({
        model: 'fake-openai/gpt-fake', max_tokens: 256,
        messages: [{ role: 'user', content: 'what is the staging key?' }],
      }, reply(SECRET_REPLY));
      const message = await stream.finalMessage();
      assert.equal(message.content.filter((b) => b.type === 'text').map((b) => b.text).join(''), REDACTED);
    });
  });

  describe('a block-action kind ends the stream with the wire\'s error event', () => {
    test('chat completions: the SDK raises after the safe text', opts, async () => {
      const { data: stream, response } = await openai().chat.completions.create({
        model: 'fake-openai/gpt-fake-mini', stream: true,
        messages: [{ role: 'user', content: 'read me the card' }],
      }, reply(BLOCK_REPLY)).withResponse();
      let text = '';
      const err = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })().then(() => null, (e) => e);
      assert.ok(err instanceof OpenAI.APIError, String(err));
      assert.match(err.message, /guardrails.*credit_card/);
      assertSafePrefix(text);
      const rec = await auditRecord(response.headers.get('x-sluice-request-id'));
      assert.equal(rec.record.error.code, 'guardrail_blocked');
      assert.equal(rec.record.guardrails.credit_card, 1);
      assert.ok(rec.record.decisions.includes('response_blocked: credit_card'), JSON.stringify(rec.record.decisions));
      assertNoSecrets(rec);
    });

    test('anthropic messages: an error event, the SDK raises', opts, async () => {
      const stream = anthropic().messages.stream({
        model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 256,
        messages: [{ role: 'user', content: 'read me the card' }],
      }, reply(BLOCK_REPLY));
      let text = '';
      stream.on('text', (t) => { text += t; });
      const err = await stream.finalMessage().then(() => null, (e) => e);
      assert.ok(err instanceof Anthropic.APIError, String(err));
      assert.equal(err.error?.error?.type, 'invalid_request_error');
      assert.match(err.error.error.message, /credit_card/);
      assertSafePrefix(text);
    });

    test('responses: response.failed is the last event', opts, async () => {
      const stream = await openai().responses.create({
        model: 'fake-openai/gpt-fake', input: 'read me the card', stream: true,
      }, reply(BLOCK_REPLY));
      let text = '';
      const events = [];
      for await (const ev of stream) {
        events.push(ev);
        if (ev.type === 'response.output_text.delta') text += ev.delta;
      }
      const last = events[events.length - 1];
      assert.equal(last.type, 'response.failed');
      assert.match(last.response.error.message, /credit_card/);
      assert.ok(!events.some((e) => e.type === 'response.completed'));
      assertSafePrefix(text);
    });

    test('gemini: an error chunk ends the stream', opts, async () => {
      const r = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-flash:streamGenerateContent?alt=sse`,
        { contents: [{ role: 'user', parts: [{ text: 'read me the card' }] }] },
        { 'x-fake-reply': BLOCK_REPLY });
      const { chunks, text } = geminiChunks(r.text);
      const last = chunks[chunks.length - 1];
      assert.equal(last.error?.status, 'INVALID_ARGUMENT');
      assert.match(last.error.message, /credit_card/);
      assertSafePrefix(text);
      assertNoSecrets(r.text);
    });
  });

  describe('whole answers', () => {
    test('redacted on every wire, counted in x-sluice-guardrails', opts, async () => {
      const { data: chat, response } = await openai().chat.completions.create({
        model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'the key?' }],
      }, reply(SECRET_REPLY)).withResponse();
      assert.equal(chat.choices[0].message.content, REDACTED);
      assert.equal(response.headers.get('x-sluice-guardrails'), 'aws_access_key=1, github_token=1');

      const msg = await anthropic().messages.create({
        model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 256,
        messages: [{ role: 'user', content: 'the key?' }],
      }, reply(SECRET_REPLY));
      assert.equal(msg.content[0].text, REDACTED);

      const resp = await openai().responses.create({ model: 'fake-openai/gpt-fake', input: 'the key?' },
        reply(SECRET_REPLY));
      assert.equal(resp.output_text, REDACTED);

      const g = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-flash:generateContent`,
        { contents: [{ role: 'user', parts: [{ text: 'the key?' }] }] }, { 'x-fake-reply': SECRET_REPLY });
      assert.equal(g.status, 200);
      assert.equal(g.json.candidates[0].content.parts.map((p) => p.text).join(''), REDACTED);
    });

    test('blocked with a 400 guardrail_blocked in each client\'s shape', opts, async () => {
      const err = await openai().chat.completions.create({
        model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'the card?' }],
      }, reply(BLOCK_REPLY)).then(() => null, (e) => e);
      assert.ok(err instanceof OpenAI.BadRequestError, String(err));
      assert.equal(err.code, 'guardrail_blocked');
      assert.match(err.message, /credit_card/);
      assertNoSecrets(err.message);

      const aerr = await anthropic().messages.create({
        model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 256,
        messages: [{ role: 'user', content: 'the card?' }],
      }, reply(BLOCK_REPLY)).then(() => null, (e) => e);
      assert.ok(aerr instanceof Anthropic.BadRequestError, String(aerr));
      assert.match(aerr.error.error.message, /credit_card/);

      const g = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-flash:generateContent`,
        { contents: [{ role: 'user', parts: [{ text: 'the card?' }] }] }, { 'x-fake-reply': BLOCK_REPLY });
      assert.equal(g.status, 400);
      assert.equal(g.json.error.status, 'INVALID_ARGUMENT');
      assertNoSecrets(g.text);
    });
  });

  describe('denied tools are removed from the request and blocked in the answer', () => {
    const tool = (name) => ({ type: 'function', function: { name, parameters: { type: 'object', properties: {} } } });

    test('chat, not streamed: Bash is taken out upstream, a call to it is blocked', opts, async () => {
      const err = await openai().chat.completions.create({
        model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'list files' }],
        tools: [tool('Read'), tool('Bash')],
      }, { headers: { 'x-fake-tool-call': 'Bash' } }).then(() => null, (e) => e);
      assert.ok(err instanceof OpenAI.BadRequestError, String(err));
      assert.equal(err.code, 'guardrail_blocked');
      assert.match(err.message, /'Bash'/);
      const seen = JSON.parse((await fake.last('/v1/chat/completions')).body);
      assert.deepEqual(seen.tools.map((t) => t.function.name), ['Read']);
      // An allowed tool's call goes through.
      const ok = await openai().chat.completions.create({
        model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'list files' }],
        tools: [tool('Read')],
      }, { headers: { 'x-fake-tool-call': 'Read' } });
      assert.equal(ok.choices[0].message.tool_calls[0].function.name, 'Read');
    });

    test('chat, streamed: the stream ends with an error before the call', opts, async () => {
      const stream = await openai().chat.completions.create({
        model: 'fake-openai/gpt-fake-mini', stream: true, messages: [{ role: 'user', content: 'list files' }],
      }, { headers: { 'x-fake-tool-call': 'mcp__github__delete_repo' } });
      const seen = [];
      const err = await (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })().then(() => null, (e) => e);
      assert.ok(err instanceof OpenAI.APIError, String(err));
      assert.match(err.message, /mcp__github__delete_repo/);
      assert.ok(!seen.some((c) => c.choices?.[0]?.delta?.tool_calls), 'no tool call reached the client');
    });

    test('anthropic, streamed: text first, then the error instead of the tool_use', opts, async () => {
      const stream = anthropic().messages.stream({
        model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 256,
        messages: [{ role: 'user', content: 'list files' }],
      }, { headers: { 'x-fake-tool-call': 'Bash', 'x-fake-reply': 'Let me run that.' } });
      let text = '';
      stream.on('text', (t) => { text += t; });
      const err = await stream.finalMessage().then(() => null, (e) => e);
      assert.ok(err instanceof Anthropic.APIError, String(err));
      assert.match(err.error.error.message, /'Bash'/);
      assert.equal(text, 'Let me run that.');
    });

    test('responses, streamed, and gemini, not streamed', opts, async () => {
      const stream = await openai().responses.create({
        model: 'fake-openai/gpt-fake', input: 'list files', stream: true,
      }, { headers: { 'x-fake-tool-call': 'Bash' } });
      const events = [];
      for await (const ev of stream) events.push(ev);
      assert.equal(events[events.length - 1].type, 'response.failed');
      assert.ok(!events.some((e) => e.type === 'response.output_item.added' && e.item.type === 'function_call'));

      const g = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-flash:generateContent`,
        { contents: [{ role: 'user', parts: [{ text: 'list files' }] }] }, { 'x-fake-tool-call': 'Bash' });
      assert.equal(g.status, 400);
      assert.match(g.json.error.message, /'Bash'/);
    });
  });
});
