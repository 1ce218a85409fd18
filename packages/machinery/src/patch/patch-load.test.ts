import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatches, loadPatches } from './apply-patches.ts';
import { isPatchError, PatchErrorCode } from './patch-error.ts';
import { parsePatch } from './patch-load.ts';

function malformed(text: string, pattern: RegExp): void {
  assert.throws(
    () => parsePatch(text, 'bad.yaml'),
    (err) => isPatchError(err) && err.code === PatchErrorCode.Malformed && pattern.test(err.message),
  );
}

test('invalid YAML is reported as source:line:column and the problem', () => {
  malformed('machine:\n  network:\n    hostname: [a\n', /^bad\.yaml:\d+:\d+: .+/);
  malformed('machine:\n  a: 1\n  a: 2\n', /^bad\.yaml:3:3: Map keys must be unique/);
  malformed('machine:\n\tnetwork: {}\n', /^bad\.yaml:2:1: /);
  malformed('{"machine": {"network": }\n', /^bad\.yaml:\d+:\d+: Flow map must end/);
});

test('a patch document that is not a mapping or a list is refused', () => {
  malformed('just text\n', /^bad\.yaml:1:1: document 1 is not a mapping/);
  malformed('machine: {}\n---\n42\n', /^bad\.yaml:3:1: document 2 is not a mapping/);
  malformed(
    'machine: {}\n---\n- op: remove\n  path: /x\n',
    /^bad\.yaml:3:1: a list \(JSON patch\) cannot be one document/,
  );
  malformed(
    '- op: remove\n  path: /x\n---\nmachine: {}\n',
    /^bad\.yaml:4:1: a JSON patch is a single list of operations/,
  );
});

test('aliases in a strategic patch are refused with their position', () => {
  malformed('x: &a {b: 1}\nmachine: *a\n', /^bad\.yaml:2:10: aliases \(\*name\) are not supported in patches/);
});

test('a $patch value other than delete or replace is refused with its position', () => {
  malformed(
    'machine:\n  network:\n    $patch: merge\n',
    /^bad\.yaml:3:13: "\$patch" must be "delete" or "replace", found "merge"/,
  );
  malformed(
    'kind: HostnameConfig\nhostname: a\n',
    /^bad\.yaml:1:1: document of kind "HostnameConfig" has no apiVersion/,
  );
});

test('YAML lists are JSON patches; JSON objects and YAML mappings are strategic patches', () => {
  assert.equal(parsePatch('[{"op": "remove", "path": "/machine"}]', 'p').kind, 'json6902');
  assert.equal(parsePatch('- op: remove\n  path: /machine\n', 'p').kind, 'json6902');
  assert.equal(parsePatch('{"machine": {"network": {"hostname": "a"}}}', 'p').kind, 'strategic');
  const multi = parsePatch('machine: {}\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: a\n', 'p');
  assert.equal(multi.kind === 'strategic' ? multi.documents.length : 0, 2);
  const empty = parsePatch('', 'p');
  assert.equal(empty.kind === 'strategic' ? empty.documents.length : -1, 0);
});

test('patch arguments: @file, a bare file name and inline text, applied in order', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-patch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.yaml'), 'machine:\n  network:\n    hostname: from-a\n');
  await writeFile(join(dir, 'b.json'), '[{"op": "add", "path": "/machine/type", "value": "worker"}]');
  const patches = await loadPatches(['@a.yaml', 'b.json', '{"cluster": {"id": "x"}}'], { cwd: dir });
  assert.deepEqual(
    patches.map((p) => [p.kind, p.source]),
    [
      ['strategic', 'a.yaml'],
      ['json6902', 'b.json'],
      ['strategic', 'inline patch 3'],
    ],
  );
  const out = await applyPatches('version: v1alpha1\nmachine: {}\n', ['@a.yaml', 'b.json', 'cluster: {id: y}'], {
    cwd: dir,
  });
  assert.equal(
    out,
    'version: v1alpha1\nmachine:\n  network:\n    hostname: from-a\n  type: worker\ncluster: {id: y}\n',
  );
});

test('a missing patch file is an error naming the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-patch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(
    loadPatches(['@nope.yaml'], { cwd: dir }),
    (err) =>
      isPatchError(err) &&
      err.code === PatchErrorCode.Unreadable &&
      err.message === 'cannot read patch file nope.yaml: no such file',
  );
});

test('an error in the second inline patch names it', async () => {
  await assert.rejects(
    applyPatches('version: v1alpha1\n', ['machine: {}', 'machine: [\n'], { cwd: '/' }),
    (err) => isPatchError(err) && /^inline patch 2:\d+:\d+: /.test(err.message),
  );
});
