import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode, type FakeNode } from '../../test/fake-node.ts';

async function fake(t: Parameters<typeof startFakeNode>[0], seen: unknown[] = []): Promise<FakeNode> {
  return startFakeNode(t, {
    machine: {
      async *logs(req, ctx) {
        seen.push({
          node: nodeOf(ctx),
          id: req.id,
          namespace: req.namespace,
          driver: req.driver,
          tail: req.tailLines,
          follow: req.follow,
        });
        if (req.id === 'nope') throw new ApiError('not-found', `service "${req.id}" is not registered`);
        if (nodeOf(ctx) === 'nope-node') throw new ApiError('unavailable', 'node nope-node is unreachable');
        // a line split across two chunks must print once, whole
        yield { bytes: Buffer.from(`${nodeOf(ctx)} first\n${nodeOf(ctx)} sec`) };
        yield { bytes: Buffer.from('ond\n') };
        if (req.follow) {
          yield { bytes: Buffer.from('following\n') };
          await new Promise((resolve) => {
            ctx.signal.addEventListener('abort', resolve, { once: true });
          });
        }
      },
      async *dmesg(req, ctx) {
        await Promise.resolve();
        if (nodeOf(ctx) === 'b') throw new ApiError('unimplemented', 'the kernel log is not readable on this platform');
        yield { bytes: Buffer.from(`kern: info: tail=${String(req.tail)} follow=${String(req.follow)}`) };
      },
    },
  });
}

test('logs prints whole lines prefixed with the node and passes --tail and -k', async (t) => {
  const seen: unknown[] = [];
  const node = await fake(t, seen);
  const run = await osctl(node, ['logs', 'apid', '--tail', '5', '-n', 'a']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'a: a first\na: a second\n');
  const k = await osctl(node, ['logs', '-k', 'kube-proxy', '-n', 'a']);
  assert.equal(k.code, 0, k.stderr);
  assert.deepEqual(seen, [
    { node: 'a', id: 'apid', namespace: 'system', driver: 0, tail: 5, follow: false },
    { node: 'a', id: 'kube-proxy', namespace: 'k8s.io', driver: 1, tail: -1, follow: false },
  ]);
});

test('logs of an unknown service fails per node; bad --tail is a usage error', async (t) => {
  const node = await fake(t);
  const run = await osctl(node, ['logs', 'nope', '-n', 'a']);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    'a: /machine.MachineService/Logs: service "nope" is not registered\nerror: the node failed; see the errors above\n',
  );
  const usage = await osctl(node, ['logs', 'apid', '--tail', 'ten']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--tail "ten": give a number of lines/);
  assert.equal((await osctl(node, ['logs'])).code, 2);
});

test('logs -f follows until Ctrl-C and exits 0', async (t) => {
  const node = await fake(t);
  const controller = new AbortController();
  const running = osctl(node, ['logs', 'apid', '-f', '-n', 'a,b'], { signal: controller.signal });
  setTimeout(() => {
    controller.abort();
  }, 300);
  const run = await running;
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const lines = run.stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
  assert.deepEqual(lines, ['a: a first', 'a: a second', 'a: following', 'b: b first', 'b: b second', 'b: following']);
});

test("dmesg prints each node's kernel log and the nodes that cannot", async (t) => {
  const node = await fake(t);
  const run = await osctl(node, ['dmesg', '--tail', '-n', 'a,b']);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, 'a: kern: info: tail=true follow=false\n');
  assert.equal(
    run.stderr,
    'b: /machine.MachineService/Dmesg: the kernel log is not readable on this platform\n' +
      'error: 1 of 2 nodes failed; see the errors above\n',
  );
});

test('logs -f still exits 1 after Ctrl-C when a node had failed', async (t) => {
  const node = await fake(t);
  const controller = new AbortController();
  const running = osctl(node, ['logs', 'apid', '-f', '-n', 'a,nope-node'], { signal: controller.signal });
  setTimeout(() => {
    controller.abort();
  }, 300);
  const run = await running;
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^a: a first\n/);
  assert.match(run.stderr, /^nope-node: \/machine\.MachineService\/Logs: node nope-node is unreachable\n/);
});
