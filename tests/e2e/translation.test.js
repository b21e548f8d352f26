// Cross-wire translation through the official SDKs: each client wire against providers of the
// other wires (the fake speaks all four), streamed, with a full tool round trip (call, result,
// final answer) and thinking/reasoning where the wire has it. What the provider received is
// checked too: its own wire, its own model name, nothing of the client's wire left over.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Fake, Sluice, baseConfig, startStack, stopAll, post, KEYS, TEST_TIMEOUT_MS } from './helpers.js';

let fake;
let sluice;
let anthropic;
let openai;

before(async () => {
  ({ fake, sluice } = await startStack());
  anthropic = new Anthropic({ baseURL: sluice.url, apiKey: KEYS.client, maxRetries: 0, timeout: 15_000 });
  openai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: KEYS.client, maxRetries: 0, timeout: 15_000 });
});
after(() => stopAll(sluice, fake));

const opts = { timeout: TEST_TIMEOUT_MS };
const TO_OPENAI = 'fake-openai/gpt-fake';
const TO_ANTHROPIC = 'fake-anthropic/claude-fake-sonnet';
const TO_GEMINI = 'fake-gemini/gemini-fake-pro';
const UPSTREAM_PATH = {
  [TO_OPENAI]: '/v1/chat/completions',
  [TO_ANTHROPIC]: '/v1/messages',
  [TO_GEMINI]: '/v1beta/models/gemini-fake-pro:streamGenerateContent',
};

const schema = {
  type: 'object',
  properties: { path: { type: 'string' }, max_bytes: { type: 'integer' } },
  required: ['path', 'max_bytes'],
};
const anthropicTool = { name: 'read_file', description: 'Read a file', input_schema: schema };
const chatTool = { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: schema } };
const responsesTool = { type: 'function', name: 'read_file', description: 'Read a file', parameters: schema, strict: false };

/// The body the fake received on its last call to `path`.
async function upstreamBody(path) {
  const r = await fake.last(path);
  return { ...r, json: JSON.parse(r.body) };
}

describe('Anthropic SDK to providers of other wires', () => {
  for (const model of [TO_OPENAI, TO_GEMINI]) {
    test(`streamed tool round trip with thinking -> ${model}`, opts, async () => {
      const first = await anthropic.messages
        .stream({
          model,
          max_tokens: 2048,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          tools: [anthropicTool],
          messages: [{ role: 'user', content: 'Read /etc/hostname' }],
        }, { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } })
        .finalMessage();
      assert.equal(first.model, model, 'the client sees the model it asked for');
      assert.equal(first.stop_reason, 'tool_use');
      const call = first.content.find((b) => b.type === 'tool_use');
      assert.ok(call, `no tool_use block in ${JSON.stringify(first.content)}`);
      assert.equal(call.name, 'read_file');
      assert.deepEqual(Object.keys(call.input).sort(), ['max_bytes', 'path']);
      assert.ok(first.usage.input_tokens > 0 && first.usage.output_tokens > 0);

      const up = await upstreamBody(UPSTREAM_PATH[model].split('?')[0]);
      assert.equal(up.headers['anthropic-beta'], undefined, 'betas never reach another wire');
      assert.equal(up.headers['anthropic-version'], undefined);
      if (model === TO_OPENAI) {
        assert.equal(up.json.model, 'gpt-fake');
        assert.equal(up.json.tools[0].function.name, 'read_file');
        assert.ok(up.json.reasoning_effort, 'the thinking budget became a reasoning effort');
      } else {
        assert.ok(up.json.tools[0].functionDeclarations, 'tools in Gemini shape');
        assert.ok(up.json.generationConfig.thinkingConfig.thinkingBudget > 0);
      }

      // Turn 2: the history carries the (provider's) thinking and the tool call, plus our result.
      const second = await anthropic.messages
        .stream({
          model,
          max_tokens: 2048,
          tools: [anthropicTool],
          messages: [
            { role: 'user', content: 'Read /etc/hostname' },
            { role: 'assistant', content: first.content },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'build-box-7' }] },
          ],
        })
        .finalMessage();
      assert.equal(second.stop_reason, 'end_turn');
      const text = second.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
      assert.ok(text.length > 0);
      const up2 = await upstreamBody(UPSTREAM_PATH[model].split('?')[0]);
      const serialized = JSON.stringify(up2.json);
      assert.ok(serialized.includes('build-box-7'), 'the tool result reached the provider');
      if (model === TO_OPENAI) {
        const toolMsg = up2.json.messages.find((m) => m.role === 'tool');
        assert.equal(toolMsg.tool_call_id, call.id);
      }
    });
  }

  test('non-stream to an OpenAI-wire provider: text, usage, model echoed', opts, async () => {
    const { data, response } = await anthropic.messages
      .create({ model: TO_OPENAI, max_tokens: 256, messages: [{ role: 'user', content: 'Hello there' }] })
      .withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.model, TO_OPENAI);
    assert.equal(data.stop_reason, 'end_turn');
    assert.ok(data.content[0].text.includes('fake-upstream'));
    assert.equal(response.headers.get('x-sluice-provider'), 'fake-openai');
    assert.equal(response.headers.get('x-sluice-model'), 'gpt-fake');
  });

  test('a Claude Code history with signed thinking never makes a non-Anthropic upstream 400', opts, async () => {
    const r = await anthropic.messages.create({
      model: TO_OPENAI,
      max_tokens: 256,
      system: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: 'Run ls' },
        { role: 'assistant', content: [
          { type: 'thinking', thinking: 'I should list files.', signature: 'EqQBCkgIARABGAIiQ...sig' },
          { type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls' } },
        ] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'a.txt', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    assert.equal(r.type, 'message');
    const up = await upstreamBody('/v1/chat/completions');
    const s = JSON.stringify(up.json);
    assert.ok(!s.includes('EqQBCkgIARABGAIiQ'), 'the Anthropic signature stays out of OpenAI traffic');
    assert.ok(!s.includes('cache_control'), 'cache_control is dropped quietly where the upstream caches on its own');
  });

  test('fields the target cannot express are reported in x-sluice-dropped', opts, async () => {
    const { response } = await anthropic.messages
      .create({ model: TO_OPENAI, max_tokens: 64, top_k: 5, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.match(response.headers.get('x-sluice-dropped') ?? '', /top_k/);
  });

  test('a mid-stream provider error reaches the SDK as an error event', opts, async () => {
    const stream = anthropic.messages.stream(
      { model: TO_OPENAI, max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-fake-error-after': '2' } });
    await assert.rejects(stream.finalMessage(), (e) => e instanceof Anthropic.APIError || /error/i.test(String(e)));
  });

  test('provider 429 comes back as RateLimitError with retry-after', opts, async () => {
    await assert.rejects(
      anthropic.messages.create({ model: TO_GEMINI, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] },
                                { headers: { 'x-fake-status': '429', 'x-fake-retry-after': '7' } }),
      (e) => e instanceof Anthropic.RateLimitError && e.headers.get('retry-after') === '7');
  });

  test('count_tokens against another wire is an estimate within 10% of the provider count', opts, async () => {
    const bodies = [
      { messages: [{ role: 'user', content: 'Explain the difference between a mutex and a semaphore in detail, with examples in C++ and Rust. '.repeat(6) }] },
      { system: 'You are a careful code reviewer. '.repeat(20), messages: [{ role: 'user', content: 'Review this diff:\n' + '+ const x = compute(a, b);\n'.repeat(40) }] },
      { tools: [anthropicTool], messages: [{ role: 'user', content: 'Summarise README.md and list every TODO you find in the repository. '.repeat(8) }] },
    ];
    for (const body of bodies) {
      const { data, response } = await anthropic.messages
        .countTokens({ model: TO_OPENAI, ...body }).withResponse();
      assert.equal(response.headers.get('x-sluice-estimated'), 'true');
      const reference = await anthropic.messages.countTokens({ model: 'claude-fake-sonnet', ...body });
      const err = Math.abs(data.input_tokens - reference.input_tokens) / reference.input_tokens;
      assert.ok(err <= 0.10, `estimate ${data.input_tokens} vs provider ${reference.input_tokens} (${(err * 100).toFixed(1)}%)`);
    }
  });
});

describe('OpenAI SDK (Chat Completions) to providers of other wires', () => {
  async function collect(stream) {
    let text = '';
    const calls = [];
    let finish = null;
    let usage = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        if (c.delta?.content) text += c.delta.content;
        for (const tc of c.delta?.tool_calls ?? []) {
          calls[tc.index] ??= { id: '', name: '', args: '' };
          if (tc.id) calls[tc.index].id = tc.id;
          if (tc.function?.name) calls[tc.index].name = tc.function.name;
          if (tc.function?.arguments) calls[tc.index].args += tc.function.arguments;
        }
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
    return { text, calls, finish, usage };
  }

  for (const model of [TO_ANTHROPIC, TO_GEMINI]) {
    test(`streamed tool round trip with reasoning effort and usage -> ${model}`, opts, async () => {
      const messages = [{ role: 'user', content: 'Read /etc/hostname' }];
      const first = await collect(await openai.chat.completions.create({
        model, stream: true, stream_options: { include_usage: true }, reasoning_effort: 'low',
        tools: [chatTool], messages,
      }));
      assert.equal(first.finish, 'tool_calls');
      assert.equal(first.calls.length, 1);
      assert.equal(first.calls[0].name, 'read_file');
      assert.deepEqual(Object.keys(JSON.parse(first.calls[0].args)).sort(), ['max_bytes', 'path']);
      assert.ok(first.usage && first.usage.prompt_tokens > 0, 'the usage chunk the client asked for');

      const up = await upstreamBody(UPSTREAM_PATH[model].split('?')[0]);
      if (model === TO_ANTHROPIC) {
        assert.equal(up.json.model, 'claude-fake-sonnet');
        assert.equal(up.json.tools[0].name, 'read_file');
        assert.ok(up.json.thinking?.budget_tokens >= 1024, 'effort became a thinking budget');
        assert.ok(up.headers['anthropic-version'], 'Anthropic upstreams get a version header');
        assert.equal(up.headers['x-api-key'], KEYS.anthropic);
      } else {
        assert.ok(up.json.generationConfig.thinkingConfig.thinkingBudget > 0);
        assert.equal(up.headers['x-goog-api-key'], KEYS.gemini);
      }

      messages.push({ role: 'assistant', content: null, tool_calls: [
        { id: first.calls[0].id, type: 'function', function: { name: 'read_file', arguments: first.calls[0].args } }] });
      messages.push({ role: 'tool', tool_call_id: first.calls[0].id, content: 'build-box-7' });
      const second = await collect(await openai.chat.completions.create({ model, stream: true, tools: [chatTool], messages }));
      assert.equal(second.finish, 'stop');
      assert.ok(second.text.length > 0);
      assert.equal(second.usage, null, 'no usage chunk when the client did not ask for one');
      const up2 = await upstreamBody(UPSTREAM_PATH[model].split('?')[0]);
      assert.ok(JSON.stringify(up2.json).includes('build-box-7'));
    });
  }

  test('non-stream to an Anthropic-wire provider: usage and model echoed', opts, async () => {
    const r = await openai.chat.completions.create({ model: TO_ANTHROPIC, messages: [{ role: 'user', content: 'Hello there' }] });
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.model, TO_ANTHROPIC);
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.ok(r.choices[0].message.content.includes('fake-upstream'));
    assert.ok(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0);
    assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  });

  test('n > 1 against a provider that cannot do it is a clear 400', opts, async () => {
    await assert.rejects(
      openai.chat.completions.create({ model: TO_ANTHROPIC, n: 2, messages: [{ role: 'user', content: 'hi' }] }),
      (e) => e instanceof OpenAI.BadRequestError && /n=2/.test(e.message));
  });

  test('Anthropic 529 overloaded reaches an OpenAI client as a retryable 5xx', opts, async () => {
    await assert.rejects(
      openai.chat.completions.create({ model: TO_ANTHROPIC, messages: [{ role: 'user', content: 'hi' }] },
                                     { headers: { 'x-fake-status': '529' } }),
      (e) => e instanceof OpenAI.APIError && e.status === 529);
  });
});

describe('OpenAI SDK (Responses, as Codex speaks it) to providers of other wires', () => {
  for (const model of [TO_ANTHROPIC, TO_GEMINI]) {
    test(`streamed function-call round trip with reasoning -> ${model}`, opts, async () => {
      const input = [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Read /etc/hostname' }] },
      ];
      const events = [];
      const stream = await openai.responses.create({
        model, stream: true, store: false, reasoning: { effort: 'low', summary: 'auto' },
        include: ['reasoning.encrypted_content'], tools: [responsesTool], input,
      });
      for await (const ev of stream) events.push(ev);
      const types = events.map((e) => e.type);
      assert.equal(types[0], 'response.created');
      assert.equal(types.at(-1), 'response.completed', `stream ended with ${types.at(-1)}`);
      assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i), 'sequence numbers count from 0');
      const done = events.at(-1).response;
      const call = done.output.find((o) => o.type === 'function_call');
      assert.ok(call, `no function_call in ${JSON.stringify(done.output)}`);
      assert.equal(call.name, 'read_file');
      assert.deepEqual(Object.keys(JSON.parse(call.arguments)).sort(), ['max_bytes', 'path']);
      assert.ok(types.includes('response.function_call_arguments.delta'));
      assert.ok(done.usage.input_tokens > 0);

      const second = await openai.responses.create({
        model, stream: false, store: false, tools: [responsesTool],
        input: [...input, ...done.output, { type: 'function_call_output', call_id: call.call_id, output: 'build-box-7' }],
      });
      assert.equal(second.status, 'completed');
      assert.ok(second.output_text.length > 0);
      const up = await upstreamBody(UPSTREAM_PATH[model].split('?')[0].replace('streamGenerateContent', 'generateContent'));
      assert.ok(JSON.stringify(up.json).includes('build-box-7'));
    });
  }
});

describe('strict providers', () => {
  let strictFake;
  let strictSluice;
  before(async () => {
    strictFake = await Fake.start();
    const cfg = baseConfig(strictFake.port);
    cfg.providers[0].strict = true;  // fake-openai
    strictSluice = await Sluice.start(cfg);
  });
  after(() => stopAll(strictSluice, strictFake));

  test('a field the strict target cannot express is a 400 naming it', opts, async () => {
    const r = await post(`${strictSluice.url}/v1/messages`,
      { model: TO_OPENAI, max_tokens: 64, top_k: 5, messages: [{ role: 'user', content: 'hi' }] },
      { 'anthropic-version': '2023-06-01', 'x-api-key': KEYS.client });
    assert.equal(r.status, 400);
    assert.equal(r.json.type, 'error');
    assert.match(r.json.error.message, /top_k/);
  });
});
