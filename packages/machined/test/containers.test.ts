// Containers, Stats and Restart of a real machined process answered from a real containerd, reached
// through the system containerd's socket path (the process platform does not start containerd),
// a container record and, when the pause program is built, a running task are created through
// containerd's API, and machined must report them.
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { commonApi, type machineApi } from '@bronze/machinery';
import { systemContainerdSocket } from '../src/containerd/containerd-paths.ts';
import { PauseBinary, exists, startContainerd } from './containerd-fixture.ts';
import { controlPlaneConfig, expectApiError, nextAddress, soon, startNode, waitFor } from './machined-fixture.ts';

const running = (await exists(PauseBinary)) && process.getuid?.() === 0;

function ids(reply: machineApi.ContainersResponse): string[] {
  return (reply.messages[0]?.containers ?? []).map((c) => c.id);
}

test('Containers and Stats read the system containerd, say when it is absent, and Restart stops a task', async (t) => {
  // containerd first, so that its tasks are removed before the node goes (cleanups run in order).
  const containerd = await startContainerd(t);
  const address = nextAddress();
  const node = await startNode(t, { config: await controlPlaneConfig(address), address });
  const socket = systemContainerdSocket(node.dir);

  // Nothing answers yet: UNAVAILABLE, naming the socket and why the process platform has none.
  const absent = await expectApiError(
    node.machine.containers({ namespace: 'system' }, { deadline: soon() }),
    'unavailable',
  );
  assert.ok(absent.message.includes(socket), absent.message);
  assert.match(absent.message, /process platform/);

  // Now the node's containerd socket leads to the real containerd.
  await mkdir(dirname(socket), { recursive: true });
  await symlink(containerd.socket, socket);
  await containerd.createRecord('system', 'bronze-record', { image: 'bronze.local/record:1', labels: { a: 'b' } });
  const pid = running ? await containerd.runPause('system', 'bronze-pause') : 0;

  const reply = await node.machine.containers({ namespace: 'system' }, { deadline: soon(10_000) });
  assert.equal(reply.messages.length, 1);
  assert.notEqual(reply.messages[0]?.metadata?.hostname ?? '', '');
  const listed = reply.messages[0]?.containers ?? [];
  const record = listed.find((c) => c.id === 'bronze-record');
  assert.ok(record !== undefined, JSON.stringify(ids(reply)));
  assert.equal(record.namespace, 'system');
  assert.equal(record.image, 'bronze.local/record:1');
  assert.equal(record.podId, 'bronze-record');
  assert.equal(record.internalId, 'bronze-record');
  assert.equal(record.pid, 0);
  assert.equal(record.status, 'STOPPED');

  // The default namespace of the containerd driver is `system`; another namespace is empty.
  assert.deepEqual(ids(await node.machine.containers({}, { deadline: soon() })), ids(reply));
  assert.deepEqual(ids(await node.machine.containers({ namespace: 'nothing-here' }, { deadline: soon() })), []);

  // Restart of an unknown id is NOT_FOUND naming it.
  const missing = await expectApiError(
    node.machine.restart(
      { namespace: 'system', id: 'no-such', driver: commonApi.ContainerDriver.CONTAINERD },
      { deadline: soon() },
    ),
    'not-found',
  );
  assert.match(missing.message, /"no-such"/);

  if (!running) {
    t.diagnostic(`no running task checked: ${PauseBinary} is not built (npm run components) or not root`);
    return;
  }
  const task = listed.find((c) => c.id === 'bronze-pause');
  assert.ok(task !== undefined);
  assert.equal(task.status, 'RUNNING');
  assert.equal(task.pid, pid);
  assert.equal(task.image, 'bronze.local/pause:3.10.1');

  // Stats reads the task's cgroup statistics through containerd; the record without a task has none.
  const stats = (await node.machine.stats({ namespace: 'system' }, { deadline: soon() })).messages[0]?.stats ?? [];
  assert.deepEqual(
    stats.map((s) => s.id),
    ['bronze-pause'],
  );
  assert.ok((stats[0]?.memoryUsage ?? 0n) > 0n, 'the pause task uses some memory');

  // Restart sends SIGTERM to the task; pause exits on it and nothing supervises it here.
  await node.machine.restart({ namespace: 'system', id: 'bronze-pause' }, { deadline: soon() });
  await waitFor(
    async () => {
      const after = await node.machine.containers({ namespace: 'system' }, { deadline: soon() });
      const c = after.messages[0]?.containers.find((x) => x.id === 'bronze-pause');
      assert.equal(c?.status, 'STOPPED');
    },
    // generous: on a loaded machine containerd reports the exit late
    { what: 'the pause task to stop', timeoutMs: 45_000 },
  );
});
