import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machineApi } from '@bronze/machinery';
import { osctl } from '../../test/fake-node.ts';
import { liveConfigNode } from '../../test/live-config-node.ts';

test('patch machineconfig fetches, patches and applies on every node', async (t) => {
  const { node, seen } = await liveConfigNode(t);
  await writeFile(join(node.dir, 'p.yaml'), 'machine:\n  network:\n    hostname: patched\n');
  const run = await osctl(node, ['patch', 'machineconfig', '-p', '@p.yaml', '-n', 'w1,w2', '--mode', 'staged']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'w1: Applied configuration without a reboot\nw2: Applied configuration without a reboot\n');
  assert.equal(seen.applied.length, 2);
  assert.match(seen.applied[0]?.text ?? '', /hostname: patched/);
  assert.match(seen.applied[0]?.text ?? '', /^# generated/);
  assert.equal(seen.applied[0]?.mode, machineApi.ApplyConfigurationRequest_Mode.STAGED);
});

test('patch machineconfig --dry-run sends a dry run; a no-op patch applies nothing', async (t) => {
  const { node, seen } = await liveConfigNode(t);
  const dry = await osctl(node, ['patch', 'mc', '-p', 'machine: {network: {hostname: x}}', '--dry-run', '-n', 'w1']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(seen.applied[0]?.dryRun, true);
  const same = await osctl(node, ['patch', 'mc', '-p', 'machine: {type: worker}', '-n', 'w1']);
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, 'w1: no changes: the patch leaves the config as it is\n');
  assert.equal(seen.applied.length, 1);
});

test('patch needs a patch and the machineconfig resource', async (t) => {
  const { node } = await liveConfigNode(t);
  assert.equal((await osctl(node, ['patch', 'machineconfig', '-n', 'w1'])).code, 2);
  assert.equal((await osctl(node, ['patch', 'services', '-p', 'a: b', '-n', 'w1'])).code, 2);
  const bad = await osctl(node, ['patch', 'mc', '-p', '@missing.yaml', '-n', 'w1']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /missing\.yaml/);
});
