// The official Anthropic SDK (1.12: anthropic-version 2026-10-21, Authorization: Bearer) against
// sluice: messages, streamed tool use, extended thinking over two turns, count_tokens, models.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startStack, stopAll, KEYS, TEST_TIMEOUT_MS } from './helpers.js';

let fake;
let sluice;
let client;

before(async () => {
  ({ fake, sluice } = await startStack());
  client = new Anthropic({ baseURL: sluice.url, apiKey: KEYS.client, maxRetries: 0, timeout: 15_000 });
});
after(() => stopAll(sluice, fake));

const opts = { timeout: TEST_TIMEOUT_MS };
const MODEL = 'claude-fake-sonnet';
const readFile = {
  name: 'read_file',
  description: 'Read a file',
  input_schema: {
    type: 'object',
    properties: { path: { type: 'string' }, max_bytes: { type: 'integer' } },
    required: ['path', 'max_bytes'],
  },
};

describe('messages', () => {
  test('non-stream: text, usage and sluice headers', opts, async () => {
    const { data, response } = await client.messages
      .create({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'Hello there' }] })
      .withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.equal(data.model, MODEL);
    assert.equal(data.stop_reason, 'end_turn');
    assert.equal(data.content[0].type, 'text');
    assert.match(data.content[0].text, /Hello there/);
    assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0);
    assert.equal(response.headers.get('x-sluice-provider'), 'fake-anthropic');
    assert.equal(response.headers.get('x-sluice-model'), MODEL);
    assert.ok(response.headers.get('request-id'), 'the provider request-id header is kept');
  });

  test('the alias claude-opus-4-8 reaches the provider as its target model', opts, async () => {
    const msg = await client.messages.create({
      model: 'claude-opus-4-8',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(msg.model, 'claude-fake-sonnet');
    const seen = await fake.last('/v1/messages');
    assert.equal(JSON.parse(seen.body).model, 'claude-fake-sonnet');
  });

  test('messages.stream() with tools: tool_use block with input', opts, async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 512,
      tools: [readFile],
      messages: [{ role: 'user', content: 'Read /etc/hostname' }],
    });
    const eventTypes = [];
    stream.on('streamEvent', (e) => eventTypes.push(e.type));
    const msg = await stream.finalMessage();
    assert.equal(msg.stop_reason, 'tool_use');
    const tool = msg.content.find((b) => b.type === 'tool_use');
    assert.ok(tool, `a tool_use block in ${JSON.stringify(msg.content)}`);
    assert.equal(tool.name, 'read_file');
    assert.match(tool.id, /^toolu_/);
    assert.equal(typeof tool.input.path, 'string');
    assert.equal(typeof tool.input.max_bytes, 'number');
    assert.equal(eventTypes[0], 'message_start');
    assert.equal(eventTypes.at(-1), 'message_stop');
    assert.ok(eventTypes.includes('content_block_delta'));
  });

  test('thinking: block with signature; second turn with thinking + tool_result answers', opts, async () => {
    const thinking = { type: 'enabled', budget_tokens: 1024 };
    const first = await client.messages.stream({
      model: MODEL,
      max_tokens: 4096,
      thinking,
      tools: [readFile],
      messages: [{ role: 'user', content: 'Look at /tmp/notes.txt' }],
    }).finalMessage();
    const th = first.content.find((b) => b.type === 'thinking');
    assert.ok(th, `a thinking block in ${JSON.stringify(first.content)}`);
    assert.ok(th.thinking.length > 0);
    assert.ok(th.signature.length > 20, 'a signature');
    assert.equal(first.content[0].type, 'thinking', 'thinking comes first');
    const tool = first.content.find((b) => b.type === 'tool_use');
    assert.ok(tool);

    const secondMessages = [
      { role: 'user', content: 'Look at /tmp/notes.txt' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.id, content: 'buy milk' }] },
    ];
    const second = await client.messages.stream({
      model: MODEL,
      max_tokens: 4096,
      thinking,
      tools: [readFile],
      messages: secondMessages,
    }).finalMessage();
    assert.equal(second.stop_reason, 'end_turn');
    const text = second.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
    assert.match(text, /buy milk/);
    assert.ok(!second.content.some((b) => b.type === 'tool_use'));

    // The thinking block went back upstream with its signature untouched.
    const seen = JSON.parse((await fake.last('/v1/messages')).body);
    const back = seen.messages[1].content.find((b) => b.type === 'thinking');
    assert.equal(back.signature, th.signature);
    assert.equal(back.thinking, th.thinking);
  });

  test('count_tokens returns input_tokens > 0', opts, async () => {
    const r = await client.messages.countTokens({
      model: MODEL,
      messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
    });
    assert.ok(Number.isInteger(r.input_tokens) && r.input_tokens > 0, JSON.stringify(r));
    const seen = await fake.last('/v1/messages/count_tokens');
    assert.equal(seen.headers['x-api-key'], KEYS.anthropic);
  });

  test('models.list() in the Anthropic shape', opts, async () => {
    const ids = [];
    for await (const m of client.models.list()) {
      assert.equal(m.type, 'model');
      ids.push(m.id);
    }
    assert.ok(ids.includes('fake-anthropic/claude-fake-sonnet'), ids.join(', '));
    assert.ok(ids.includes('claude-opus-4-8'));
  });
});
