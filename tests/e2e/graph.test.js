// The code graph from the command line: `sluice index` on the multi-language fixture
// repository, `sluice graph deps` and `sluice graph stats` as JSON, an incremental re-index, the
// errors a user sees, and `sluice intel classify --graph` turning a request's edits into a
// blast radius. No gateway is started: these are the offline commands.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SLUICE_BIN, tempDir, TEST_TIMEOUT_MS } from './helpers.js';

const opts = { timeout: TEST_TIMEOUT_MS * 2 };

/// `sluice ARGS...`: {code, stdout, stderr}, whatever the exit code.
function sluice(args, input) {
  const r = spawnSync(SLUICE_BIN, args, { encoding: 'utf8', timeout: 60_000, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args) {
  const r = sluice(args);
  assert.equal(r.code, 0, `sluice ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('code graph commands', () => {
  const dir = join(tempDir(), 'graph');
  const repo = join(dir, 'graph_repo');
  const db = join(dir, 'graph.db');
  let first;

  before(() => {
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(REPO_ROOT, 'tests/fixtures/graph_repo'), repo, { recursive: true });
    first = json(['index', repo, '--repo', 'fixture', '--db', db, '--json']);
  });

  test('index reports the fixture', opts, () => {
    assert.equal(first.repo, 'fixture');
    assert.equal(first.files, 32);
    assert.equal(first.parsed, 32);
    assert.equal(first.edges, 34);
    assert.equal(first.symbol_edges, 32);
    assert.equal(first.imports, 37);
    assert.equal(first.unresolved, 9);
    assert.ok(first.lines_per_second > 0);
  });

  test('deps --reverse lists transitive dependents with depth and kind', opts, () => {
    const out = json(['graph', 'deps', 'py/app/util.py', '--reverse', '--db', db, '--json']);
    assert.equal(out.repo, 'fixture');
    assert.deepEqual(out.target, { kind: 'file', path: 'py/app/util.py', lang: 'python' });
    assert.deepEqual(out.files, [
      { path: 'py/app/auth/login.py', depth: 1, kind: 'import' },
      { path: 'py/app/models.py', depth: 1, kind: 'import' },
      { path: 'py/main.py', depth: 2, kind: 'import' },
    ]);
    assert.equal(out.truncated, false);
  });

  test('deps of a file, forward, one level', opts, () => {
    const out = json(['graph', 'deps', 'go/cmd/server/main.go', '--depth', '1', '--db', db, '--json']);
    assert.deepEqual(out.files.map((f) => [f.path, f.kind]), [
      ['go/internal/money/helper.go', 'import'],
      ['go/internal/money/money.go', 'import'],
    ]);
  });

  test('deps of a symbol names the code that uses it', opts, () => {
    const out = json(['graph', 'deps', 'verify', '--reverse', '--db', db, '--json']);
    assert.equal(out.target.kind, 'symbol');
    assert.deepEqual(out.target.definitions, [
      { qualified: 'verify', kind: 'function', path: 'rust/src/crypto/mod.rs', line: 3 },
    ]);
    const direct = out.files.filter((f) => f.depth === 1);
    assert.deepEqual(direct, [
      { path: 'rust/src/config.rs', depth: 1, kind: 'ref', via: ['Settings.load'] },
      { path: 'rust/src/crypto/keys.rs', depth: 1, kind: 'ref', via: ['rotate'] },
    ]);
  });

  test('stats counts languages, kinds and edges', opts, () => {
    const out = json(['graph', 'stats', '--db', db, '--json']);
    assert.equal(out.repos.length, 1);
    const s = out.repos[0];
    assert.equal(s.files, 32);
    assert.deepEqual(Object.keys(s.languages).sort(),
      ['c', 'cpp', 'go', 'java', 'javascript', 'python', 'rust', 'tsx', 'typescript']);
    assert.deepEqual(s.edge_kinds, { import: 29, ref: 3, impl: 2 });
    assert.equal(s.symbols, 45);
    const text = sluice(['graph', 'stats', '--db', db]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /fixture \(.*\), indexed .* UTC/);
  });

  test('re-index parses only what changed', opts, () => {
    const again = json(['index', repo, '--repo', 'fixture', '--db', db, '--json']);
    assert.equal(again.parsed, 0);
    assert.equal(again.unchanged, 32);
    writeFileSync(join(repo, 'py/app/extra.py'), 'from .util import slugify\n');
    const third = json(['index', repo, '--repo', 'fixture', '--db', db, '--json']);
    assert.equal(third.parsed, 1);
    assert.equal(third.files, 33);
    const out = json(['graph', 'deps', 'py/app/util.py', '--reverse', '--depth', '1', '--db', db, '--json']);
    assert.ok(out.files.some((f) => f.path === 'py/app/extra.py'));
    rmSync(join(repo, 'py/app/extra.py'));
    assert.equal(json(['index', repo, '--repo', 'fixture', '--db', db, '--json']).removed, 1);
  });

  test('errors say what is wrong', opts, () => {
    let r = sluice(['graph', 'deps', 'x.py', '--repo', 'nope', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no repository 'nope' in .* \(indexed: fixture\)/);
    r = sluice(['graph', 'deps', 'not/a/file.py', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /'not\/a\/file.py' is neither a file nor a symbol of repository 'fixture'/);
    r = sluice(['graph', 'stats', '--db', join(dir, 'missing.db')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no code graph database at .*missing.db \(run `sluice index PATH` first/);
    r = sluice(['index', join(dir, 'no-such-folder'), '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no-such-folder is not a directory/);
  });

  test('intel classify --graph reports the blast radius of the edited files', opts, () => {
    const body = JSON.stringify({
      model: 'claude-x',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'Make the slug helper in py/app/util.py keep unicode letters.' },
        {
          role: 'assistant',
          content: [{
            type: 'tool_use', id: 't1', name: 'Edit',
            input: { file_path: 'py/app/util.py', old_string: 'a-z0-9', new_string: '\\w' },
          }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
      ],
    });
    const without = sluice(['intel', 'classify', '--wire', 'anthropic', '-'], body);
    assert.equal(without.code, 0, without.stderr);
    assert.equal(JSON.parse(without.stdout).blast_radius, null);
    const r = sluice(['intel', 'classify', '--wire', 'anthropic', '--graph', db, '--repo', 'fixture', '-'], body);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.blast_radius, { dependents: 3, fan_in: 2, sensitive_zone: false });
    assert.ok(out.risk >= JSON.parse(without.stdout).risk);
  });
});
