import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

test('etcd commands refuse bad arguments with exit 2 before calling a node', async (t) => {
  let calls = 0;
  const node = await startFakeNode(t, {
    machine: {
      etcdRemoveMemberByID: () => {
        calls++;
        return { messages: [{}] };
      },
    },
  });
  const badId = await osctl(node, ['etcd', 'remove-member', 'not-hex']);
  assert.equal(badId.code, 2);
  assert.match(badId.stderr, /not hex/);
  const missing = await osctl(node, ['bootstrap', '--recover-from', join(node.dir, 'nothing.db')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  const existing = join(node.dir, 'exists.db');
  await writeFile(existing, 'x');
  const snap = await osctl(node, ['etcd', 'snapshot', existing]);
  assert.equal(snap.code, 2);
  assert.match(snap.stderr, /exists already/);
  assert.equal(calls, 0);
});

test('etcd members prints talosctl columns and a worker failure per node', async (t) => {
  const node = await startFakeNode(t, {
    machine: {
      etcdMemberList: (_req, ctx) => {
        if (nodeOf(ctx) === 'w') throw new ApiError('failed-precondition', 'etcd runs on control-plane nodes only');
        return {
          messages: [
            {
              members: [
                {
                  id: 0x8e9e05c52164694dn,
                  hostname: 'cp-1',
                  peerUrls: ['https://a:2380'],
                  clientUrls: ['https://a:2379'],
                },
                { id: 0x1n, hostname: 'cp-2', peerUrls: ['https://b:2380'], clientUrls: [], isLearner: true },
              ],
            },
          ],
        };
      },
    },
  });
  const run = await osctl(node, ['etcd', 'members', '-n', 'c,w']);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^NODE +ID +HOSTNAME +PEER URLS +CLIENT URLS +LEARNER\n/);
  assert.match(run.stdout, /c +8e9e05c52164694d +cp-1 +https:\/\/a:2380 +https:\/\/a:2379 +false/);
  assert.match(run.stdout, /c +1 +cp-2 +https:\/\/b:2380 +true/);
  assert.match(run.stderr, /w: .*control-plane nodes only/);
});
