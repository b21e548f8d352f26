// Policy rules and skills on the request path, through the official SDKs: a deny in each wire's
// own error shape, route and cap rewrites as the provider receives them, skills spliced into
// each wire's system prompt with the client's cached prefix left byte-identical, rule ids in
// x-sluice-policy and the audit record, and hot reload of the policy files under load: a good
// change takes effect within 5 s with no failed request, a bad one is rejected with
// file:line:column while the previous policy stays in force.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Fake, Sluice, KEYS, SLUICE_BIN, stopAll, fetchT, post, poll, sleep, TEST_TIMEOUT_MS, tempDir } from './helpers.js';

const run = promisify(execFile);

const opts = { timeout: TEST_TIMEOUT_MS };

const RULES = `
- id: contractors-no-edits
  match: {role: contractor, tools: [Edit, Write]}
  then: {deny: {status: 403, message: "contractors may not offer edit tools"}}
- id: interns-no-opus
  match: {team: interns, model: "*opus*"}
  then: {deny: {status: 403, message: "opus needs approval; use sonnet"}}
- id: no-destructive-sql
  match: {content_latest: "(?i)drop\\\\s+table\\\\s+prod"}
  then: {deny: "destructive SQL against production is not allowed here"}
- id: payments-pci
  match: {team: payments}
  then: {tag: [pci], inject_skill: [house-style]}
  continue: true
- id: eu-region
  match: {region: "eu-*", metadata: {repo: "acme/*"}}
  then: {tag: [eu-data]}
  continue: true
- id: trivial-to-mini
  match: {header: {x-task: trivial}}
  then: {route: fake-openai/gpt-fake-mini}
- id: cap-big-model
  match: {model: fake-openai/gpt-fake, wire: openai_chat}
  then: {cap: {reasoning: low, max_tokens: 100}}
- id: no-bash-for-interns
  match: {team: interns, tools: Bash}
  then: {deny: "interns may not offer Bash"}
- id: interns-redact-email
  match: {team: interns}
  then: {redact: [email]}
`;

const SKILL = `---
name: house-style
description: How this org writes code
mode: soft
---
Write small functions and name them for what they do.
`;

describe('policy on the request path', () => {
  let fake;
  let sluice;
  let dir;
  let alice; // team payments
  let ian; // team interns
  let carl; // team payments, role contractor
  before(async () => {
    fake = await Fake.start();
    dir = join(tempDir(), 'policy');
    mkdirSync(join(dir, 'policies'), { recursive: true });
    mkdirSync(join(dir, 'skills'), { recursive: true });
    writeFileSync(join(dir, 'policies', '10-rules.yaml'), RULES);
    writeFileSync(join(dir, 'skills', 'house-style.md'), SKILL);
    const origin = `http://127.0.0.1:${fake.port}`;
    const config = {
      region: 'eu-west',
      reload: { interval: '250ms' },
      store: { path: join(dir, 'sluice.db') },
      providers: [
        { name: 'fake-openai', type: 'openai', base_url: `${origin}/v1`, api_key: KEYS.openai, discover_models: false },
        { name: 'fake-anthropic', type: 'anthropic', base_url: origin, api_key: KEYS.anthropic, discover_models: false },
        { name: 'fake-gemini', type: 'gemini', base_url: origin, api_key: KEYS.gemini, discover_models: false },
      ],
      policy: { dir: join(dir, 'policies'), skills: join(dir, 'skills') },
    };
    sluice = await Sluice.start(config, { waitModels: null });
    alice = (await post(`${sluice.url}/admin/keys`, { name: 'alice', user: 'alice', team: 'payments' })).json.key;
    ian = (await post(`${sluice.url}/admin/keys`, { name: 'ian', user: 'ian', team: 'interns' })).json.key;
    carl = (await post(`${sluice.url}/admin/keys`, { name: 'carl', user: 'carl', team: 'payments', role: 'contractor' })).json.key;
    assert.ok(alice && ian && carl, 'keys created');
    await poll(async () => (await fetchT(`${sluice.url}/admin/keys`).then((r) => r.json())).loaded);
  });
  after(async () => {
    await stopAll(sluice, fake);
  });

  const openai = (key) => new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0 });
  const anthropic = (key) => new Anthropic({ baseURL: sluice.url, apiKey: key, maxRetries: 0 });
  const lastBody = async (path) => JSON.parse((await fake.last(path)).body);

  test('a deny answers in each wire\'s own error shape and names the rule', opts, async () => {
    const e1 = await openai(ian).chat.completions.create({
      model: 'fake-openai/gpt-fake-opus', messages: [{ role: 'user', content: 'hi' }],
    }).then(() => null, (e) => e);
    assert.ok(e1 instanceof OpenAI.PermissionDeniedError, String(e1));
    assert.equal(e1.code, 'policy_denied');
    assert.match(e1.message, /opus needs approval/);
    assert.equal(e1.headers.get('x-sluice-policy'), 'interns-no-opus');

    const e2 = await anthropic(ian).messages.create({
      model: 'fake-anthropic/claude-fake-opus', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }],
    }).then(() => null, (e) => e);
    assert.ok(e2 instanceof Anthropic.PermissionDeniedError, String(e2));
    assert.equal(e2.error.error.type, 'permission_error');

    const e3 = await openai(alice).responses.create({
      model: 'fake-openai/gpt-fake', input: 'please DROP TABLE prod_users now',
    }).then(() => null, (e) => e);
    assert.ok(e3 instanceof OpenAI.PermissionDeniedError, String(e3));
    assert.match(e3.message, /destructive SQL/);

    const g = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-opus:generateContent`,
      { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, { 'x-goog-api-key': ian });
    assert.equal(g.status, 403);
    assert.equal(g.json.error.status, 'PERMISSION_DENIED');
    assert.match(g.json.error.message, /opus needs approval/);

    const e4 = await anthropic(ian).messages.create({
      model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'run it' }],
      tools: [{ name: 'Bash', description: 'shell', input_schema: { type: 'object' } }],
    }).then(() => null, (e) => e);
    assert.ok(e4 instanceof Anthropic.PermissionDeniedError, 'a rule on the tools offered denies');
  });

  test('route and cap rewrites are what the provider receives', opts, async () => {
    const { response } = await openai(alice).chat.completions.create({
      model: 'fake-openai/gpt-fake', messages: [{ role: 'user', content: 'fix the typo' }],
    }, { headers: { 'x-task': 'trivial' } }).withResponse();
    assert.equal((await lastBody('/v1/chat/completions')).model, 'gpt-fake-mini');
    assert.match(response.headers.get('x-sluice-policy'), /trivial-to-mini/);

    const r2 = await openai(alice).chat.completions.create({
      model: 'fake-openai/gpt-fake', reasoning_effort: 'high', max_completion_tokens: 4000,
      messages: [{ role: 'user', content: 'think hard' }],
    }).withResponse();
    const seen = await lastBody('/v1/chat/completions');
    assert.equal(seen.model, 'gpt-fake');
    assert.equal(seen.reasoning_effort, 'low');
    assert.equal(seen.max_completion_tokens, 100);
    assert.match(r2.response.headers.get('x-sluice-capped'), /reasoning_effort high->low/);
  });

  test('a redact rule takes the named kinds out before the provider sees them, with no guardrails section', opts, async () => {
    const { response } = await openai(ian).chat.completions.create({
      model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'mail jane.doe@corp-mail.net the plan' }],
    }).withResponse();
    assert.equal(response.headers.get('x-sluice-policy'), 'interns-redact-email');
    assert.equal((await lastBody('/v1/chat/completions')).messages[0].content, 'mail [REDACTED:email] the plan');
    // Alice's team has no such rule: her body goes through as sent.
    await openai(alice).chat.completions.create({
      model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'mail jane.doe@corp-mail.net the plan' }],
    });
    assert.match(JSON.stringify((await lastBody('/v1/chat/completions')).messages), /jane\.doe@corp-mail\.net/);
  });

  test('skills are injected in each wire, after the client\'s own cached system prefix', opts, async () => {
    const system = [{ type: 'text', text: 'You are a careful agent.', cache_control: { type: 'ephemeral' } }];
    const { response } = await anthropic(alice).messages.create({
      model: 'fake-anthropic/claude-fake-sonnet', max_tokens: 16, system,
      messages: [{ role: 'user', content: 'add a field' }],
    }).withResponse();
    assert.equal(response.headers.get('x-sluice-skills'), 'house-style');
    const a = await lastBody('/v1/messages');
    assert.deepEqual(a.system[0], system[0], 'the client\'s block, cache mark included, is untouched');
    assert.equal(a.system.length, 2);
    assert.match(a.system[1].text, /<org-skill name="house-style">[\s\S]*small functions/);
    assert.equal(a.system[1].cache_control, undefined);

    await openai(alice).chat.completions.create({
      model: 'fake-openai/gpt-fake-mini',
      messages: [{ role: 'developer', content: 'Be terse.' }, { role: 'user', content: 'hi' }],
    });
    const c = await lastBody('/v1/chat/completions');
    assert.deepEqual(c.messages[0], { role: 'developer', content: 'Be terse.' });
    assert.equal(c.messages[1].role, 'developer');
    assert.match(c.messages[1].content, /house-style/);
    assert.equal(c.messages[2].content, 'hi');

    await openai(alice).responses.create({ model: 'fake-openai/gpt-fake-mini', instructions: 'Be terse.', input: 'hi' });
    const r = await lastBody('/v1/responses');
    assert.ok(r.instructions.startsWith('Be terse.'), 'the client\'s instructions stay the prefix');
    assert.match(r.instructions, /house-style/);

    const g = await post(`${sluice.url}/v1beta/models/fake-gemini/gemini-fake-flash:generateContent`, {
      systemInstruction: { parts: [{ text: 'Be terse.' }] },
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    }, { 'x-goog-api-key': alice });
    assert.equal(g.status, 200, JSON.stringify(g.json));
    const gs = await lastBody('/v1beta/models/gemini-fake-flash:generateContent');
    assert.equal(gs.systemInstruction.parts[0].text, 'Be terse.');
    assert.match(gs.systemInstruction.parts[1].text, /house-style/);

    // Not the payments team: no skill, no tag, and the body goes through untouched.
    await openai(ian).chat.completions.create({ model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal((await lastBody('/v1/chat/completions')).messages.length, 1);
  });

  test('matched rules, tags and skills are in the audit record', opts, async () => {
    const { response } = await openai(alice).chat.completions.create({
      model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'hi' }],
      metadata: { repo: 'acme/payments-api' }, store: true,
    }).withResponse();
    assert.equal(response.headers.get('x-sluice-policy'), 'payments-pci,eu-region');
    const id = response.headers.get('x-sluice-request-id');
    const rec = await poll(async () => {
      const r = await fetchT(`${sluice.url}/admin/audit/${id}`);
      return r.status === 200 ? r.json() : null;
    });
    assert.ok(rec, 'the audit record was written');
    const record = rec.record ?? rec;
    assert.deepEqual(record.policy.rules, ['payments-pci', 'eu-region']);
    assert.deepEqual(record.policy.tags, ['pci', 'eu-data']);
    assert.deepEqual(record.policy.skills, ['house-style']);
  });

  test('a key\'s role is a rule field; tags and guardrail findings are counted in the ledger', opts, async () => {
    const edit = { type: 'function', function: { name: 'Edit', parameters: { type: 'object', properties: {} } } };
    const denied = await openai(carl).chat.completions.create({
      model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'hi' }], tools: [edit],
    }).then(() => null, (e) => e);
    assert.equal(denied?.status, 403);
    assert.equal(denied.headers.get('x-sluice-policy'), 'contractors-no-edits');
    assert.match(denied.message, /contractors may not offer edit tools/);
    // The same request from a key without the role, and the contractor without edit tools, pass.
    await openai(alice).chat.completions.create({
      model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'hi' }], tools: [edit],
    });
    await openai(carl).chat.completions.create({ model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'hi' }] });

    // Ian's prompt carries an email (redacted by his rule): the ledger counts the kind, not the text.
    await openai(ian).chat.completions.create({
      model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'ping ops.lead@corp-mail.net now' }],
    });
    const usage = async (by) => JSON.parse((await run(SLUICE_BIN,
      ['usage', '--by', by, '--format', 'json', '--config', sluice.configPath])).stdout);
    const pci = await poll(async () => (await usage('tag')).find((r) => r.tag === 'pci' && r.requests >= 3));
    assert.ok(pci, 'payments requests are counted under their policy tag');
    const email = await poll(async () => (await usage('finding')).find((r) => r.finding === 'email'));
    assert.ok(email && email.requests >= 1, 'the email finding is counted by kind');
    const db = readFileSync(join(dir, 'sluice.db'));
    assert.equal(db.includes('ops.lead@corp-mail.net'), false, 'the ledger keeps no finding text');
  });

  test('hot reload: a good change in force within 5 s under load with no failed request; a bad one rejected with line:column', { timeout: 60_000 }, async () => {
    let stop = false;
    let ok = 0;
    const failures = [];
    const worker = async () => {
      while (!stop) {
        try {
          await openai(alice).chat.completions.create({ model: 'fake-openai/gpt-fake-mini', messages: [{ role: 'user', content: 'hi' }] });
          ok++;
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    // The workers stop however the test ends: a failed assertion must not leave them looping.
    let took;
    try {
      await sleep(300);

      const denied = async () => {
        const e = await openai(alice).chat.completions.create({
          model: 'fake-openai/gpt-fake-nano', messages: [{ role: 'user', content: 'hi' }],
        }).then(() => null, (x) => x);
        return e instanceof OpenAI.PermissionDeniedError ? e : null;
      };
      assert.equal(await denied(), null, 'not denied before the change');
      const t0 = Date.now();
      writeFileSync(join(dir, 'policies', '20-reload.yaml'),
        '- id: no-nano\n  match: {model: "*nano*"}\n  then: {deny: "nano is retired"}\n');
      const e = await poll(denied, { timeoutMs: 5_000, intervalMs: 50 });
      took = Date.now() - t0;
      assert.ok(e, 'the new rule took effect within 5 s');
      assert.match(e.message, /nano is retired/);

      // A broken file: the error names file:line:column, and the previous policy stays.
      const errBefore = sluice.proc.stderr.length;
      writeFileSync(join(dir, 'policies', '20-reload.yaml'),
        '- id: no-nano\n  match: {model: "*nano*"}\n  then: {deny: "nano is retired", explode: true}\n');
      const logged = await poll(() => /20-reload\.yaml:3:\d+: .*explode/.test(sluice.proc.stderr.slice(errBefore)),
        { timeoutMs: 5_000, intervalMs: 50 });
      assert.ok(logged, `the rejection names file:line:column; stderr:\n${sluice.proc.stderr.slice(errBefore)}`);
      assert.match(sluice.proc.stderr.slice(errBefore), /keeping the previous config/);
      assert.ok(await denied(), 'the previous policy is still in force');

      await sleep(300);
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    assert.deepEqual(failures, [], 'no request failed across the reloads');
    assert.ok(ok > 20, `requests kept flowing (${ok}); the good change took ${took} ms`);
  });
});
