import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

test("reboot, shutdown and reset send their options and print each node's actor id", async (t) => {
  const seen: unknown[] = [];
  let downUntil = 0;
  let versionCalls = 0;
  const node = await startFakeNode(t, {
    machine: {
      reboot: (req, ctx) => {
        seen.push({ reboot: nodeOf(ctx), mode: req.mode });
        if (nodeOf(ctx) === 'reader')
          throw new ApiError('permission-denied', 'not authorized: os:reader cannot call Reboot');
        downUntil = Date.now() + 300;
        return { messages: [{ actorId: `actor-${nodeOf(ctx)}` }] };
      },
      shutdown: (req) => {
        seen.push({ shutdown: req.force });
        return { messages: [{ actorId: 'x' }] };
      },
      reset: (req) => {
        seen.push({
          graceful: req.graceful,
          reboot: req.reboot,
          mode: req.mode,
          labels: req.systemPartitionsToWipe.map((p) => p.label),
        });
        return { messages: [{ actorId: 'r' }] };
      },
      version: () => {
        versionCalls++;
        if (Date.now() < downUntil) throw new ApiError('unavailable', 'the node is rebooting');
        return { messages: [{ version: { tag: 'v0.1.0' } }] };
      },
    },
  });
  const reboot = await osctl(node, ['reboot', '-m', 'powercycle', '-n', 'a']);
  assert.equal(reboot.code, 0, reboot.stderr);
  assert.equal(reboot.stdout, 'NODE   ACTOR ID\na      actor-a\n');
  const denied = await osctl(node, ['reboot', '-n', 'a,reader']);
  assert.equal(denied.code, 1);
  assert.equal(denied.stdout, 'NODE   ACTOR ID\na      actor-a\n');
  assert.match(
    denied.stderr,
    /^reader: \/machine\.MachineService\/Reboot: not authorized: os:reader cannot call Reboot\n/,
  );
  const waited = await osctl(node, ['reboot', '--wait', '-n', 'a']);
  assert.equal(waited.code, 0, waited.stderr);
  assert.equal(waited.stdout, 'NODE   ACTOR ID\na      actor-a\na: back up\n');
  assert.ok(versionCalls >= 2);
  assert.equal((await osctl(node, ['shutdown', '--force', '-n', 'a'])).code, 0);
  const reset = await osctl(node, [
    'reset',
    '--graceful=false',
    '--reboot',
    '--system-labels-to-wipe',
    'STATE,EPHEMERAL',
    '-n',
    'a',
  ]);
  assert.equal(reset.code, 0, reset.stderr);
  assert.deepEqual(seen.slice(-2), [
    { shutdown: true },
    { graceful: false, reboot: true, mode: 0, labels: ['STATE', 'EPHEMERAL'] },
  ]);
  assert.deepEqual(seen[0], { reboot: 'a', mode: 1 });
  assert.equal((await osctl(node, ['reset', '--graceful=maybe'])).code, 2);
  assert.equal((await osctl(node, ['reboot', '-m', 'gently'])).code, 2);
});
