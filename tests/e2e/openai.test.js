// The official OpenAI SDK against sluice: chat (plain, streamed with usage, tools), the
// Responses API streamed, embeddings and the model list.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startStack, stopAll, KEYS, TEST_TIMEOUT_MS } from './helpers.js';

let fake;
let sluice;
let client;

before(async () => {
  ({ fake, sluice } = await startStack());
  client = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: KEYS.client, maxRetries: 0, timeout: 15_000 });
});
after(() => stopAll(sluice, fake));

const opts = { timeout: TEST_TIMEOUT_MS };
const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
};

describe('chat completions', () => {
  test('non-stream: content, usage and the x-sluice-* response headers', opts, async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    assert.equal(response.status, 200);
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.model, 'gpt-fake');
    const text = data.choices[0].message.content;
    assert.ok(typeof text === 'string' && text.length > 0, 'an answer text');
    assert.match(text, /Say hello/, 'the fake echoes the prompt');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.ok(data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0);
    assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);
    assert.match(response.headers.get('x-sluice-request-id') ?? '', /^req_[0-9a-f]{24}$/);
    assert.equal(response.headers.get('x-sluice-model'), 'gpt-fake');
    assert.equal(response.headers.get('x-sluice-provider'), 'fake-openai');
    // The provider's own request id comes through too.
    assert.ok(response.headers.get('x-request-id'), 'upstream x-request-id kept');
  });

  test('an alias is rewritten to its target model and served by its provider', opts, async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(response.headers.get('x-sluice-model'), 'gpt-fake-mini');
    assert.equal(response.headers.get('x-sluice-provider'), 'fake-openai');
    assert.equal(data.model, 'gpt-fake-mini', 'the upstream saw the target model');
    const seen = await fake.last('/v1/chat/completions');
    assert.equal(JSON.parse(seen.body).model, 'gpt-fake-mini');
  });

  test('stream with include_usage: final usage chunk, same text as non-stream', opts, async () => {
    const messages = [{ role: 'user', content: 'Tell me about streams' }];
    const plain = await client.chat.completions.create({ model: 'gpt-fake', messages });
    const stream = await client.chat.completions.create({
      model: 'gpt-fake',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usageChunk;
    let chunks = 0;
    let finish;
    for await (const chunk of stream) {
      chunks++;
      if (chunk.choices.length === 0) {
        usageChunk = chunk;
        continue;
      }
      text += chunk.choices[0].delta?.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    assert.ok(chunks >= 3, `several chunks, got ${chunks}`);
    assert.equal(text, plain.choices[0].message.content);
    assert.equal(finish, 'stop');
    assert.ok(usageChunk, 'a final chunk with choices: [] and usage');
    assert.ok(usageChunk.usage.completion_tokens > 0);
    assert.deepEqual(usageChunk.usage, plain.usage);
  });

  test('tool call, then the tool result gives a final answer', opts, async () => {
    const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await client.chat.completions.create({ model: 'gpt-fake', messages, tools: [weather] });
    const choice = first.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.tool_calls.length, 1);
    const call = choice.message.tool_calls[0];
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    const args = JSON.parse(call.function.arguments);
    assert.equal(typeof args.city, 'string');
    assert.ok(['celsius', 'fahrenheit'].includes(args.unit), `enum respected: ${args.unit}`);

    const second = await client.chat.completions.create({
      model: 'gpt-fake',
      tools: [weather],
      messages: [
        ...messages,
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: 'Sunny, 24 degrees' },
      ],
    });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.ok(!second.choices[0].message.tool_calls?.length, 'no second tool call');
    assert.match(second.choices[0].message.content, /Sunny, 24 degrees/);
  });

  test('streamed tool call assembles into parseable JSON arguments', opts, async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-fake',
      messages: [{ role: 'user', content: 'weather in Oslo' }],
      tools: [weather],
      stream: true,
    });
    let name = '';
    let argText = '';
    let finish;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta;
      for (const tc of d?.tool_calls ?? []) {
        name += tc.function?.name ?? '';
        argText += tc.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(name, 'get_weather');
    assert.equal(typeof JSON.parse(argText).city, 'string');
    assert.equal(finish, 'tool_calls');
  });

  test('eight concurrent streams each get their own, complete answer', opts, async () => {
    const prompts = Array.from({ length: 8 }, (_, i) => `parallel prompt number ${i}`);
    const texts = await Promise.all(prompts.map(async (p) => {
      const stream = await client.chat.completions.create({
        model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: p }],
      }, { headers: { 'x-fake-chunks': '20', 'x-fake-chunk-gap-ms': '10' } });
      let t = '';
      for await (const c of stream) t += c.choices[0]?.delta?.content ?? '';
      return t;
    }));
    texts.forEach((t, i) => assert.match(t, new RegExp(`${prompts[i]}\\.`)));
  });
});

describe('responses API', () => {
  test('streamed: response.created ... output_text deltas ... response.completed', opts, async () => {
    const stream = await client.responses.create({
      model: 'gpt-fake',
      input: 'Write one sentence',
      stream: true,
    });
    const types = [];
    let deltas = '';
    let completed;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') deltas += ev.delta;
      if (ev.type === 'response.completed') completed = ev.response;
    }
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.ok(types.filter((t) => t === 'response.output_text.delta').length >= 2, types.join(','));
    assert.ok(types.includes('response.output_text.done'));
    assert.ok(completed, 'response.completed carries the response');
    assert.equal(completed.status, 'completed');
    assert.ok(completed.usage.output_tokens > 0);
    const finalText = completed.output
      .filter((o) => o.type === 'message')
      .flatMap((o) => o.content)
      .filter((c) => c.type === 'output_text')
      .map((c) => c.text)
      .join('');
    assert.equal(deltas, finalText);
    assert.match(deltas, /Write one sentence/);
  });

  test('non-stream output_text', opts, async () => {
    const r = await client.responses.create({ model: 'gpt-fake', input: 'ping' });
    assert.equal(r.status, 'completed');
    assert.ok(r.output_text.length > 0);
  });
});

describe('embeddings and models', () => {
  test('embeddings: one vector per input', opts, async () => {
    const r = await client.embeddings.create({
      model: 'text-embedding-fake',
      input: ['alpha', 'beta'],
      encoding_format: 'float',
      dimensions: 16,
    });
    assert.equal(r.data.length, 2);
    assert.equal(r.data[0].embedding.length, 16, 'dimensions honoured');
    assert.ok(r.data[0].embedding.every((x) => typeof x === 'number'));
    assert.notDeepEqual(r.data[0].embedding, r.data[1].embedding);
    assert.ok(r.usage.prompt_tokens > 0);
  });

  test('embeddings with the SDK default (base64) decode to floats', opts, async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-fake', input: 'alpha' });
    const f = await client.embeddings.create({ model: 'text-embedding-fake', input: 'alpha', encoding_format: 'float' });
    assert.equal(r.data[0].embedding.length, f.data[0].embedding.length);
    for (let i = 0; i < f.data[0].embedding.length; i++) {
      assert.ok(Math.abs(r.data[0].embedding[i] - f.data[0].embedding[i]) < 1e-6);
    }
  });

  test('models.list() has provider/model ids and the aliases', opts, async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    for (const id of ['fake-openai/gpt-fake', 'fake-anthropic/claude-fake-sonnet', 'fake-gemini/gemini-fake-pro',
      'fast', 'claude-opus-4-8']) {
      assert.ok(ids.includes(id), `${id} listed; got ${ids.join(', ')}`);
    }
    const one = await client.models.retrieve('fast');
    assert.equal(one.id, 'fast');
  });
});
