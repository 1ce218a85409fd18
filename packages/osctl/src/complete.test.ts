import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { completionCandidates } from './complete.ts';

function tree(): Command {
  const root = new Command('osctl').option('-n, --nodes <nodes>', 'target nodes');
  const etcd = new Command('etcd').alias('e');
  etcd.addCommand(new Command('members'));
  etcd.addCommand(new Command('snapshot').option('--force'));
  root.addCommand(etcd);
  root.addCommand(new Command('__complete'));
  return root;
}

test('completes subcommands at the root, hiding internal ones', () => {
  const c = completionCandidates(tree(), []);
  assert.deepEqual(
    c.filter((w) => !w.startsWith('-')),
    ['etcd'],
  );
  assert.ok(c.includes('--nodes'));
});

test('descends through names and aliases, skipping options and their values', () => {
  assert.deepEqual(
    completionCandidates(tree(), ['-n', '10.0.0.1', 'e']).filter((w) => !w.startsWith('-')),
    ['members', 'snapshot'],
  );
  const snap = completionCandidates(tree(), ['--nodes=a', 'etcd', 'snapshot']);
  assert.ok(snap.includes('--force'));
  assert.ok(snap.includes('--nodes'), 'inherited options are offered too');
});
