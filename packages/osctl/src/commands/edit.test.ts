import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { machineApi } from '@bronze/machinery';
import { osctl, type FakeNode } from '../../test/fake-node.ts';
import { liveConfigNode, running } from '../../test/live-config-node.ts';

/** An editor that replaces hostname h0 with hN on its Nth run and keeps a copy of what it was shown. */
async function editorScript(node: FakeNode, body: string): Promise<string> {
  const path = join(node.dir, 'editor.sh');
  await writeFile(
    path,
    '#!/bin/sh\n' +
      `n=$(cat "${node.dir}/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${node.dir}/count"\n` +
      `cp "$1" "${node.dir}/shown-$n"\n` +
      body,
  );
  await chmod(path, 0o755);
  return path;
}

test('edit machineconfig with an unchanged file applies nothing', async (t) => {
  const { node, seen } = await liveConfigNode(t);
  const run = await osctl(node, ['edit', 'machineconfig', '-n', 'w1'], { env: { EDITOR: 'true' } });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'w1: no changes: nothing was applied\n');
  assert.deepEqual(seen.applied, []);
});

test('edit machineconfig applies the saved file with the mode, without the header', async (t) => {
  const { node, seen } = await liveConfigNode(t);
  const editor = await editorScript(node, 'sed -i "s/hostname: h0/hostname: h$n/" "$1"\n');
  const run = await osctl(node, ['edit', 'mc', '-n', 'w1', '--mode', 'try', '--until-healthy'], {
    env: { VISUAL: editor, EDITOR: 'false' },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'w1: Applied configuration without a reboot\n');
  assert.deepEqual(seen.applied, [
    {
      text: running.replace('h0', 'h1'),
      mode: machineApi.ApplyConfigurationRequest_Mode.TRY,
      dryRun: false,
      untilHealthy: ['true'],
    },
  ]);
  assert.match(await readFile(join(node.dir, 'shown-1'), 'utf8'), /^# Edit the machine config below/);
});

test('edit machineconfig reopens the editor with the errors, and aborts when closed unchanged', async (t) => {
  const { node, seen } = await liveConfigNode(t, { refuseFirst: true });
  const editor = await editorScript(node, '[ "$n" = 1 ] && sed -i "s/hostname: h0/hostname: bad/" "$1"\nexit 0\n');
  const run = await osctl(node, ['edit', 'machineconfig', '-n', 'w1'], { env: { EDITOR: editor } });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /the config was refused; reopening the editor/);
  assert.match(run.stderr, /edit aborted: the editor was closed without changes after an error/);
  const second = await readFile(join(node.dir, 'shown-2'), 'utf8');
  assert.match(second, /^# machine\.type: banana is not a type$/m);
  assert.match(second, /hostname: bad/);
  assert.equal(seen.applied.length, 1);
});

test('edit machineconfig retries after an error and applies the fixed file', async (t) => {
  const { node, seen } = await liveConfigNode(t, { refuseFirst: true });
  const editor = await editorScript(node, 'sed -i "s/hostname: h[0-9]*/hostname: h$n/" "$1"\n');
  const run = await osctl(node, ['edit', 'machineconfig', '-n', 'w1'], { env: { EDITOR: editor } });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(seen.applied.length, 2);
  assert.equal(seen.applied[1]?.text, running.replace('h0', 'h2'));
});

test('edit refuses other resources, several nodes, and --until-healthy without try', async (t) => {
  const { node } = await liveConfigNode(t);
  const env = { env: { EDITOR: 'true' } };
  assert.equal((await osctl(node, ['edit', 'hostname', '-n', 'w1'], env)).code, 2);
  assert.equal((await osctl(node, ['edit', 'mc', '-n', 'w1,w2'], env)).code, 2);
  assert.equal((await osctl(node, ['edit', 'mc', '-n', 'w1', '--until-healthy'], env)).code, 2);
});
