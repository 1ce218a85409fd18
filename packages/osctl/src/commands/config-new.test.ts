import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { durationMs } from '@bronze/machinery';
import { osctl, startFakeNode } from '../../test/fake-node.ts';

test("config new writes the node's talosconfig with mode 0600 and never overwrites without --force", async (t) => {
  const seen: unknown[] = [];
  const node = await startFakeNode(t, {
    machine: {
      generateClientConfiguration: (req) => {
        seen.push({ roles: req.roles, ttl: req.crtTtl === undefined ? 0 : durationMs(req.crtTtl) });
        return { messages: [{ talosconfig: Buffer.from('context: new\n') }] };
      },
    },
  });
  const run = await osctl(node, [
    'config',
    'new',
    'reader.yaml',
    '--roles',
    'os:reader',
    '--crt-ttl',
    '24h',
    '-n',
    'a',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const path = join(node.dir, 'reader.yaml');
  assert.equal(run.stdout, `wrote ${path} (roles os:reader, valid for 24h)\n`);
  assert.equal(await readFile(path, 'utf8'), 'context: new\n');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(seen, [{ roles: ['os:reader'], ttl: 86_400_000 }]);
  const again = await osctl(node, ['config', 'new', 'reader.yaml', '-n', 'a']);
  assert.equal(again.code, 1);
  assert.equal((await osctl(node, ['config', 'new', 'reader.yaml', '--force', '-n', 'a'])).code, 0);
  const bad = await osctl(node, ['config', 'new', '--roles', 'os:root']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--roles: unknown roles: os:root/);
});
