// Gemini over fetch (there is no pinned Gemini SDK): generateContent and streamGenerateContent
// with SSE. The client's key must be replaced by the provider's, in the header and the query.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, stopAll, post, fetchT, parseSse, KEYS, TEST_TIMEOUT_MS } from './helpers.js';

let fake;
let sluice;

before(async () => {
  ({ fake, sluice } = await startStack());
});
after(() => stopAll(sluice, fake));

const opts = { timeout: TEST_TIMEOUT_MS };
const body = {
  contents: [{ role: 'user', parts: [{ text: 'Name a colour' }] }],
  generationConfig: { maxOutputTokens: 200 },
};

function assertProviderKeyOnly(seen) {
  assert.equal(seen.headers['x-goog-api-key'], KEYS.gemini, 'the provider key went upstream');
  assert.ok(!JSON.stringify(seen).includes(KEYS.client), 'the client key did not go upstream');
  assert.ok(!/(^|&)key=/.test(seen.query), `no key= in the upstream query: ${seen.query}`);
}

test('generateContent: text, usage, and only the provider key upstream', opts, async () => {
  const r = await post(`${sluice.url}/v1beta/models/gemini-fake-pro:generateContent`, body,
    { 'x-goog-api-key': KEYS.client });
  assert.equal(r.status, 200, r.text);
  const text = r.json.candidates[0].content.parts.map((p) => p.text ?? '').join('');
  assert.match(text, /Name a colour/);
  assert.equal(r.json.candidates[0].finishReason, 'STOP');
  assert.ok(r.json.usageMetadata.promptTokenCount > 0);
  assert.ok(r.json.usageMetadata.candidatesTokenCount > 0);
  assert.equal(r.headers.get('x-sluice-provider'), 'fake-gemini');
  assert.equal(r.headers.get('x-sluice-model'), 'gemini-fake-pro');

  const seen = await fake.last('/v1beta/models/gemini-fake-pro:generateContent');
  assertProviderKeyOnly(seen);
  assert.deepEqual(JSON.parse(seen.body), body, 'the body went up unchanged');
});

test('streamGenerateContent?alt=sse: data-only SSE chunks that add up to the same text', opts, async () => {
  const plain = await post(`${sluice.url}/v1beta/models/gemini-fake-pro:generateContent`, body,
    { 'x-goog-api-key': KEYS.client });
  const r = await fetchT(`${sluice.url}/v1beta/models/gemini-fake-pro:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': KEYS.client },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/event-stream/);
  const events = parseSse(await r.text());
  assert.ok(events.length >= 3, `several chunks, got ${events.length}`);
  let text = '';
  for (const e of events) {
    const chunk = JSON.parse(e.data);
    for (const p of chunk.candidates?.[0]?.content?.parts ?? []) text += p.text ?? '';
  }
  const want = plain.json.candidates[0].content.parts.map((p) => p.text ?? '').join('');
  assert.equal(text, want);
  assert.equal(JSON.parse(events.at(-1).data).candidates[0].finishReason, 'STOP');

  const seen = await fake.last('/v1beta/models/gemini-fake-pro:streamGenerateContent');
  assertProviderKeyOnly(seen);
  assert.match(seen.query, /(^|&)alt=sse(&|$)/, 'alt=sse kept');
});

test('a client key in ?key= is stripped, other query parameters kept', opts, async () => {
  const r = await fetchT(
    `${sluice.url}/v1beta/models/gemini-fake-flash:streamGenerateContent?key=${KEYS.client}&alt=sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.equal(r.status, 200);
  await r.text();
  const seen = await fake.last('/v1beta/models/gemini-fake-flash:streamGenerateContent');
  assertProviderKeyOnly(seen);
  assert.equal(seen.query, 'alt=sse');
});

test('countTokens', opts, async () => {
  const r = await post(`${sluice.url}/v1beta/models/gemini-fake-pro:countTokens`,
    { contents: body.contents }, { 'x-goog-api-key': KEYS.client });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.totalTokens > 0);
});

test('GET /v1beta/models lists Gemini-shaped names', opts, async () => {
  const r = await fetchT(`${sluice.url}/v1beta/models`);
  assert.equal(r.status, 200);
  const names = (await r.json()).models.map((m) => m.name);
  assert.ok(names.includes('models/fake-gemini/gemini-fake-pro'), names.join(', '));
});
