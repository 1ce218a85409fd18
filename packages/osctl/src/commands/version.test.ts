import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

test('version prints the client and each node, and a failing node on stderr with exit 1', async (t) => {
  const node = await startFakeNode(t, {
    machine: {
      version: (_r, ctx) => {
        const n = nodeOf(ctx);
        if (n === 'down') throw new Error('machined is not running');
        return {
          messages: [
            {
              version: { tag: 'v0.1.0', sha: 'abc', built: 'now', goVersion: 'node v24', os: 'linux', arch: 'amd64' },
              features: { rbac: true },
            },
          ],
        };
      },
    },
  });
  const ok = await osctl(node, ['version', '-n', '10.0.0.1']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^Client:\n\tTag: +v/);
  assert.ok(
    ok.stdout.endsWith(
      'Server:\n' +
        '\tNODE:        10.0.0.1\n' +
        '\tTag:         v0.1.0\n' +
        '\tSHA:         abc\n' +
        '\tBuilt:       now\n' +
        '\tRuntime:     node v24\n' +
        '\tOS/Arch:     linux/amd64\n' +
        '\tEnabled:     RBAC\n',
    ),
    ok.stdout,
  );
  const bad = await osctl(node, ['version', '--short', '-n', '10.0.0.1,down']);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /Server:\n\tNODE: +10\.0\.0\.1\n\tTag: +v0\.1\.0\n$/);
  assert.equal(
    bad.stderr,
    'down: /machine.MachineService/Version: machined is not running\n' +
      'error: 1 of 2 nodes failed; see the errors above\n',
  );
});

test('version --client needs no node, and a dead endpoint says what to check', async (t) => {
  const node = await startFakeNode(t, {});
  const client = await osctl(node, ['version', '--client', '-e', '127.0.0.1:1']);
  assert.equal(client.code, 0);
  const context = await osctl(node, ['version', '--context', 'prod']);
  assert.equal(context.code, 1);
  assert.match(context.stderr, /^error: context "prod" is not defined in the talosconfig \(defined: test\)\n/);
  const dead = await osctl(node, ['version', '-e', '127.0.0.1:1']);
  assert.equal(dead.code, 1);
  assert.match(dead.stderr, /^error: nothing is listening on 127\.0\.0\.1:1: check the endpoint/);
});
