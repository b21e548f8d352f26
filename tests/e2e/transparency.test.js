// Transparency: what Claude Code, Codex and the SDKs send must reach the provider as sent (bar
// the model name when an alias rewrote it, and the credentials), and what the provider streams
// must reach the client byte for byte. See /work/shared/protocols/clients.md, "Pitfalls".

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  gzipSync, brotliCompressSync, deflateSync, gunzipSync, brotliDecompressSync, inflateSync,
} from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import {
  startStack, stopAll, fetchT, rawHttp, parseSse, KEYS, TEST_TIMEOUT_MS,
} from './helpers.js';

let fake;
let sluice;

// No alias named like a real model here: claude-opus-4-8 must go to the default provider as is.
before(async () => {
  ({ fake, sluice } = await startStack({
    aliases: { fast: 'fake-openai/gpt-fake-mini', sonnet: 'fake-anthropic/claude-fake-sonnet' },
  }));
});
after(() => stopAll(sluice, fake));

const opts = { timeout: TEST_TIMEOUT_MS };
const CLAUDE_BETAS = 'claude-code-20250219,context-1m-2025-08-07,interleaved-thinking-2025-05-14,' +
  'thinking-token-count-2026-05-13,context-management-2025-06-27,prompt-caching-scope-2026-01-05,' +
  'mid-conversation-system-2026-04-07,effort-2025-11-24,made-up-beta-2099-01-01';

function claudeHeaders(extra = {}) {
  return {
    'anthropic-version': '2023-06-01',
    'anthropic-beta': CLAUDE_BETAS,
    'x-api-key': KEYS.client,
    'anthropic-dangerous-direct-browser-access': 'true',
    'x-app': 'cli',
    'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)',
    'x-claude-code-session-id': '5b0c3c1e-1d5e-4a57-9d8e-1f2a3b4c5d6e',
    'x-stainless-lang': 'js',
    'x-stainless-retry-count': '0',
    'x-stainless-timeout': '600',
    accept: 'application/json',
    ...extra,
  };
}

// A Claude Code turn-2 body, hand-written so that any re-serialisation shows: odd spacing, a
// number as 1.0, escapes, key order, and every field the gateway does not know.
const CLAUDE_TURN2 = `{"model":"claude-opus-4-8", "messages":[{"role":"user","content":[{"type":"text","text":"<system-reminder>\\nctx \\u00e9\\u2603</system-reminder>"},{"type":"text","text":"Write hello.txt"}]},{"role":"system","content":"Available agent types: general-purpose"},{"role":"assistant","content":[{"type":"thinking","thinking":"I should write the file.","signature":"EqQBCkYIBxgCKkA0c2lnbmF0dXJlLWJ5dGVzLXRoYXQtbXVzdC1ub3QtY2hhbmdl+/=="},{"type":"text","text":"Writing it."},{"type":"tool_use","id":"toolu_01ABC","name":"Write","input":{"file_path":"/tmp/hello.txt","content":"hi"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01ABC","content":"File created","cache_control":{"type":"ephemeral"}}]}],
  "system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.197.abc; cc_entrypoint=sdk-cli;"},{"type":"text","text":"You are a Claude agent, built on Anthropic's Claude Agent SDK.","cache_control":{"type":"ephemeral"}}],
  "tools":[{"name":"Write","description":"Write a file","input_schema":{"type":"object","properties":{"file_path":{"type":"string"},"content":{"type":"string"}},"required":["file_path","content"]}}],
  "metadata":{"user_id":"{\\"device_id\\":\\"d3adb33f\\",\\"account_uuid\\":\\"\\",\\"session_id\\":\\"5b0c3c1e\\"}"},
  "max_tokens":64000,"temperature":1.0,"thinking":{"type":"adaptive"},
  "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
  "output_config":{"effort":"high","format":{"type":"json_schema","schema":{"type":"object","properties":{"title":{"type":"string"}},"required":["title"]}}},
  "stream":true}`;

// A Codex turn-2 Responses body with the item and tool types the gateway does not know.
const CODEX_BODY = `{"model":"fake-unlisted-model","input":[{"type":"message","role":"developer","content":[{"type":"input_text","text":"base instructions"}]},{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context><cwd>/w</cwd></environment_context>"}]},{"type":"message","role":"user","content":[{"type":"input_text","text":"add hello.txt"}]},{"type":"reasoning","summary":[],"encrypted_content":"gAAAAB-opaque=="},{"type":"message","role":"assistant","id":"msg_1","internal_chat_message_metadata_passthrough":{"k":1},"content":[{"type":"output_text","text":"ok"}]},{"type":"custom_tool_call","call_id":"call_1","name":"apply_patch","input":"*** Begin Patch\\n*** Add File: hello.txt\\n+hi\\n*** End Patch"},{"type":"custom_tool_call_output","call_id":"call_1","output":"Exit code: 0\\nWall time: 0.1 seconds\\nOutput:\\nSuccess. Updated the following files:\\nA hello.txt\\n"}],
 "tools":[{"type":"function","name":"exec_command","description":"run","parameters":{"type":"object","properties":{"cmd":{"type":"string"}},"required":["cmd"]},"strict":false},{"type":"custom","name":"apply_patch","description":"patch","format":{"type":"grammar","syntax":"lark","definition":"start: /.+/"}},{"type":"tool_search","execution":"client"},{"type":"web_search","external_web_access":true,"search_content_types":["text"]},{"type":"namespace","name":"multi_agent_v1","tools":[]}],
 "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"effort":"medium","context":"all"},"store":false,"stream":true,
 "include":["reasoning.encrypted_content"],"prompt_cache_key":"0199-thread","text":{"verbosity":"low"},
 "client_metadata":{"x-codex-installation-id":"inst","session_id":"s","thread_id":"t","turn_id":"u"}}`;

/// POSTs raw text through sluice and returns {status, text, seen} with the fake's record.
async function through(path, body, headers, { query = '' } = {}) {
  const r = await fetchT(`${sluice.url}${path}${query}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
  });
  const text = await r.text();
  const seen = await fake.last(path);
  return { status: r.status, headers: r.headers, text, seen };
}

describe('requests arrive as sent', () => {
  test('Claude Code turn 2: body byte for byte, betas, ?beta=true, version, identity headers', opts, async () => {
    const r = await through('/v1/messages', CLAUDE_TURN2, claudeHeaders(), { query: '?beta=true' });
    assert.equal(r.status, 200, r.text.slice(0, 500));
    assert.equal(r.seen.body, CLAUDE_TURN2, 'unknown fields, escapes and spacing untouched');
    assert.equal(r.seen.query, 'beta=true');
    const h = r.seen.headers;
    assert.equal(h['anthropic-beta'], CLAUDE_BETAS);
    assert.equal(h['anthropic-version'], '2023-06-01');
    for (const name of ['x-app', 'user-agent', 'x-claude-code-session-id', 'x-stainless-timeout',
      'anthropic-dangerous-direct-browser-access']) {
      assert.equal(h[name], claudeHeaders()[name], `${name} forwarded`);
    }
    assert.equal(h['x-api-key'], KEYS.anthropic, 'the provider key replaced the client key');
    assert.ok(!('authorization' in h));
    assert.equal(r.headers.get('x-sluice-provider'), 'fake-anthropic', 'claude-opus-4-8 went to the default provider');
    assert.equal(r.headers.get('x-sluice-model'), 'claude-opus-4-8', 'opaque model name kept');
  });

  test('an alias rewrites only the model value', opts, async () => {
    const body = CLAUDE_TURN2.replace('"model":"claude-opus-4-8"', '"model":"sonnet"');
    const r = await through('/v1/messages', body, claudeHeaders());
    assert.equal(r.status, 200);
    assert.equal(r.seen.body, CLAUDE_TURN2.replace('"model":"claude-opus-4-8"', '"model":"claude-fake-sonnet"'));
    assert.equal(r.seen.query, '');
  });

  test('Codex Responses body with unknown item and tool types: byte for byte', opts, async () => {
    const headers = {
      authorization: `Bearer ${KEYS.client}`,
      accept: 'text/event-stream',
      originator: 'codex_exec',
      'user-agent': 'codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.0)',
      'session-id': '0199a-session',
      'thread-id': '0199a-thread',
      'x-client-request-id': '0199a-req',
      'x-codex-window-id': '0199a-thread:0',
      'x-codex-beta-features': 'remote_compaction_v2',
      'x-codex-turn-metadata': '{"turn_id":"u","request_kind":"turn"}',
    };
    const r = await through('/v1/responses', CODEX_BODY, headers);
    assert.equal(r.status, 200, r.text.slice(0, 500));
    assert.equal(r.seen.body, CODEX_BODY);
    for (const [k, v] of Object.entries(headers)) {
      if (k === 'authorization') continue;
      assert.equal(r.seen.headers[k], v, `${k} forwarded`);
    }
    assert.equal(r.seen.headers.authorization, `Bearer ${KEYS.openai}`);
    assert.equal(r.headers.get('x-sluice-provider'), 'fake-openai', 'unknown model to the default provider');
    const events = parseSse(r.text);
    assert.equal(events.at(-1).event, 'response.completed');
  });

  test('SDK 1.12 style (Authorization: Bearer, anthropic-version 2026-10-21) is not pinned or leaked', opts, async () => {
    const client = new Anthropic({ baseURL: sluice.url, apiKey: KEYS.client, maxRetries: 0 });
    await client.beta.messages.create({
      model: 'claude-fake-haiku',
      max_tokens: 32,
      betas: ['made-up-beta-2099-01-01', 'context-management-2025-06-27'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    const seen = await fake.last('/v1/messages');
    assert.equal(seen.headers['anthropic-version'], '2026-10-21', 'the SDK\'s own version, not pinned');
    assert.equal(seen.headers['anthropic-beta'], 'made-up-beta-2099-01-01,context-management-2025-06-27');
    assert.equal(seen.headers['x-api-key'], KEYS.anthropic);
    assert.ok(!('authorization' in seen.headers), 'the client Bearer token is not forwarded');
    assert.ok(!JSON.stringify(seen).includes(KEYS.client));
  });

  test('both Anthropic auth styles accepted; neither forwarded', opts, async () => {
    const body = JSON.stringify({ model: 'claude-fake-sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    for (const auth of [{ 'x-api-key': KEYS.client }, { authorization: `Bearer ${KEYS.client}` },
      { 'x-api-key': KEYS.client, authorization: `Bearer ${KEYS.client}` }]) {
      const r = await through('/v1/messages', body, { 'anthropic-version': '2023-06-01', ...auth });
      assert.equal(r.status, 200);
      assert.equal(r.seen.headers['x-api-key'], KEYS.anthropic);
      assert.ok(!('authorization' in r.seen.headers));
      assert.ok(!JSON.stringify(r.seen.headers).includes(KEYS.client));
    }
  });

  test('OpenAI wire: client Bearer replaced by the provider key; api-key header dropped', opts, async () => {
    const body = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] });
    const r = await through('/v1/chat/completions', body, { authorization: `Bearer ${KEYS.client}`, 'api-key': KEYS.client });
    assert.equal(r.status, 200);
    assert.equal(r.seen.headers.authorization, `Bearer ${KEYS.openai}`);
    assert.ok(!JSON.stringify(r.seen.headers).includes(KEYS.client));
  });

  test('x-sluice-* request headers stay at the gateway', opts, async () => {
    const body = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] });
    const r = await through('/v1/chat/completions', body, { 'x-sluice-debug': '1', 'x-sluice-route': 'x', 'x-other': 'kept' });
    assert.equal(r.status, 200);
    assert.ok(!Object.keys(r.seen.headers).some((k) => k.startsWith('x-sluice-')), Object.keys(r.seen.headers).join(','));
    assert.equal(r.seen.headers['x-other'], 'kept');
  });

  test('opaque model names go to the default provider unchanged', opts, async () => {
    for (const [path, model, provider] of [
      ['/v1/chat/completions', 'fake-unlisted-model', 'fake-openai'],
      ['/v1/chat/completions', 'gpt-5.5', 'fake-openai'],
      ['/v1/messages', 'claude-haiku-4-5-20251001', 'fake-anthropic'],
      ['/v1/chat/completions', 'meta-llama/llama-3.3-70b', 'fake-openai'],
    ]) {
      const body = JSON.stringify({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
      const r = await through(path, body, { 'anthropic-version': '2023-06-01' });
      assert.equal(r.status, 200, `${model}: ${r.text}`);
      assert.equal(r.headers.get('x-sluice-provider'), provider);
      assert.equal(r.seen.body, body, `${model} unchanged`);
    }
  });

  test('a 150 KB body passes intact', opts, async () => {
    const body = JSON.stringify({
      model: 'claude-fake-sonnet', max_tokens: 16,
      system: [{ type: 'text', text: 'p'.repeat(150_000) }],
      messages: [{ role: 'user', content: 'hi' }],
    });
    const r = await through('/v1/messages', body, { 'anthropic-version': '2023-06-01' });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.seen.body.length, body.length);
    assert.equal(r.seen.body, body);
  });

  for (const [name, encode] of [['gzip', gzipSync], ['br', brotliCompressSync], ['deflate', deflateSync]]) {
    test(`a ${name}-compressed request body is accepted and forwarded decoded`, opts, async () => {
      const body = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: `compressed ${name} ${'z'.repeat(5000)}` }] });
      const r = await fetchT(`${sluice.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': name },
        body: encode(Buffer.from(body)),
      });
      const text = await r.text();
      assert.equal(r.status, 200, text);
      assert.match(JSON.parse(text).choices[0].message.content, new RegExp(`compressed ${name}`));
      const seen = await fake.last('/v1/chat/completions');
      assert.equal(seen.body, body);
      assert.ok(!('content-encoding' in seen.headers));
    });
  }
});

describe('responses come back as sent', () => {
  /// The same request straight to the fake and through sluice: the raw bytes must match.
  async function compare(path, body, headers, normalise = (s) => s) {
    const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const direct = await fetchT(`${fake.url}${path}`, init());
    const directBytes = Buffer.from(await direct.arrayBuffer()).toString('latin1');
    const via = await fetchT(`${sluice.url}${path}`, init());
    const viaBytes = Buffer.from(await via.arrayBuffer()).toString('latin1');
    assert.equal(via.status, 200);
    assert.equal(via.headers.get('content-type'), direct.headers.get('content-type'));
    assert.equal(normalise(viaBytes), normalise(directBytes));
    return viaBytes;
  }
  const noCreated = (s) => s.replace(/"created(_at)?":\d+/g, '"created":0');

  test('Anthropic SSE: event lines and ping identical to the provider stream', opts, async () => {
    const bytes = await compare('/v1/messages',
      { model: 'claude-fake-sonnet', max_tokens: 512, stream: true, thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'stream me' }] },
      { 'anthropic-version': '2023-06-01' });
    assert.match(bytes, /^event: message_start\n/);
    assert.match(bytes, /event: ping\ndata: \{"type": "ping"\}\n\n/);
    assert.match(bytes, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
  });

  test('Chat SSE: data-only chunks and [DONE] identical', opts, async () => {
    const bytes = await compare('/v1/chat/completions',
      { model: 'gpt-fake', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] },
      {}, noCreated);
    assert.ok(!bytes.includes('event:'));
    assert.match(bytes, /data: \[DONE\]\n\n$/);
  });

  test('Responses SSE identical, ending with response.completed', opts, async () => {
    const bytes = await compare('/v1/responses',
      { model: 'gpt-fake', stream: true, input: 'x', reasoning: { effort: 'low', summary: 'auto' } }, {}, noCreated);
    assert.equal(parseSse(bytes).at(-1).event, 'response.completed');
  });

  test('Gemini SSE identical', opts, async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'x' }] }] };
    const direct = await fetchT(`${fake.url}/v1beta/models/gemini-fake-flash:streamGenerateContent?alt=sse`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEYS.gemini }, body: JSON.stringify(body),
    });
    const via = await fetchT(`${sluice.url}/v1beta/models/gemini-fake-flash:streamGenerateContent?alt=sse`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEYS.client }, body: JSON.stringify(body),
    });
    assert.equal(await via.text(), await direct.text());
  });

  test('SSE events arrive as they are produced, not buffered to the end', opts, async () => {
    const r = await fetchT(`${sluice.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01',
        'x-fake-chunks': '6', 'x-fake-chunk-gap-ms': '150' },
      body: JSON.stringify({ model: 'claude-fake-sonnet', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'slow' }] }),
    });
    const reader = r.body.getReader();
    const t0 = Date.now();
    const { value } = await reader.read();
    const first = Date.now() - t0;
    assert.ok(new TextDecoder().decode(value).startsWith('event: message_start'));
    let rest = '';
    for (;;) {
      const { done, value: v } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(v);
    }
    const total = Date.now() - t0;
    assert.ok(total >= 600, `the stream took ${total} ms (5 gaps of 150 ms)`);
    assert.ok(first < total - 400, `first bytes after ${first} ms of ${total} ms`);
    assert.match(rest, /message_stop/);
  });

  test('provider error bodies and headers pass through unchanged', opts, async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01',
      'x-fake-status': '529' }, body: JSON.stringify({ model: 'claude-fake-sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }) };
    const direct = await fetchT(`${fake.url}/v1/messages`, init);
    const via = await fetchT(`${sluice.url}/v1/messages`, init);
    assert.equal(via.status, 529);
    const norm = (s) => s.replace(/"request_id":"[^"]*"/, '');
    assert.equal(norm(await via.text()), norm(await direct.text()));
  });
});

describe('odd requests from real clients', () => {
  test('HEAD / (Claude Code warm-up) answers promptly', opts, async () => {
    const t0 = Date.now();
    const raw = await rawHttp(sluice.port, 'HEAD / HTTP/1.1\r\nHost: x\r\nUser-Agent: Bun/1.4.0\r\nConnection: close\r\n\r\n', 3000);
    assert.match(raw, /^HTTP\/1\.1 \d{3} /);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
    const [head, body] = raw.split('\r\n\r\n');
    assert.equal(body, '', 'no body on HEAD');
    assert.ok(head.length > 0);
  });

  test('GET /v1/responses with Upgrade: websocket gets 426 (Codex falls back at once)', opts, async () => {
    const raw = await rawHttp(sluice.port,
      'GET /v1/responses HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'openai-beta: responses_websockets=2026-02-06\r\nAuthorization: Bearer x\r\n\r\n', 3000)
      .catch((e) => assert.fail(`no answer: ${e.message}`));
    assert.match(raw, /^HTTP\/1\.1 426 /);
    assert.doesNotMatch(raw, /^HTTP\/1\.1 101/);
  });

  test('accept-encoding with br/zstd from the client still yields a readable body', opts, async () => {
    const body = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'enc' }] });
    const raw = await rawHttp(sluice.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Accept-Encoding: gzip, deflate, br, zstd\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    const split = raw.indexOf('\r\n\r\n');
    const head = raw.slice(0, split);
    let payload = Buffer.from(raw.slice(split + 4), 'latin1');
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.doesNotMatch(head, /transfer-encoding: chunked/i, 'a JSON answer has a Content-Length');
    const enc = head.match(/\r\ncontent-encoding:\s*(\S+)/i)?.[1];
    if (enc === 'gzip') payload = gunzipSync(payload);
    else if (enc === 'br') payload = brotliDecompressSync(payload);
    else if (enc === 'deflate') payload = inflateSync(payload);
    else assert.equal(enc, undefined, `content-encoding ${enc} (zstd cannot be checked on node 20)`);
    assert.equal(JSON.parse(payload.toString('utf8')).object, 'chat.completion');
  });
});
