// machined as a real process on the process platform, called over its unix socket.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { test } from 'node:test';
import { isApiError, type ApiError } from '@bronze/machinery';
import { controlPlaneConfig, nextAddress, roleMetadata, soon, startNode, waitFor } from './machined-fixture.ts';

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

async function expectApiError(promise: Promise<unknown>, code: ApiError['code']): Promise<ApiError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isApiError(err), `want an ApiError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

test('a node in maintenance mode serves Version and Hostname on a 0600 socket', async (t) => {
  const node = await startNode(t);
  const info = await stat(node.socket);
  assert.equal(info.mode & 0o777, 0o600);
  const version = await node.machine.version({}, { deadline: soon() });
  const msg = version.messages[0];
  assert.ok(msg !== undefined);
  assert.equal(msg.platform?.name, 'process');
  assert.match(msg.version?.tag ?? '', /^v\d/);
  assert.notEqual(msg.metadata?.hostname ?? '', '');
  const hostname = await node.machine.hostname({}, { deadline: soon() });
  assert.equal(hostname.messages[0]?.hostname, msg.metadata?.hostname);
});

test('a control plane lists services, serves logs and events, and answers COSI reads by role', async (t) => {
  const probe = nextAddress();
  const node = await startNode(t, { config: await controlPlaneConfig(probe) });
  const deadline = { deadline: soon() };

  const list = await waitFor(
    async () => {
      const reply = await node.machine.serviceList({}, deadline);
      const ids = reply.messages[0]?.services.map((s) => s.id) ?? [];
      assert.ok(ids.includes('trustd'), `services: ${ids.join(', ')}`);
      return reply;
    },
    { what: 'trustd in the service list', output: node.output },
  );
  const services = new Map(list.messages[0]?.services.map((s) => [s.id, s]));
  assert.equal(services.get('machined')?.state, 'Running');
  assert.equal(services.get('udevd')?.state, 'Skipped');

  await expectApiError(collect(node.machine.logs({ id: 'no-such-service', tailLines: -1 }, deadline)), 'not-found');

  const status = await waitFor(
    async () => {
      const res = await node.state.get(
        { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' },
        deadline,
      );
      assert.match(res.resource?.spec?.yamlSpec ?? '', /stage: running/);
      return res;
    },
    { what: 'MachineStatus running', output: node.output },
  );
  assert.equal(status.resource?.metadata?.type, 'MachineStatuses.runtime.talos.dev');
  const version = await node.state.get(
    { namespace: 'runtime', type: 'Versions.runtime.talos.dev', id: 'version' },
    deadline,
  );
  assert.match(version.resource?.spec?.yamlSpec ?? '', /version: v/);

  const configPointer = { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' };
  await expectApiError(
    node.state.get(configPointer, { ...deadline, metadata: roleMetadata('os:reader') }),
    'permission-denied',
  );
  const config = await node.state.get(configPointer, { ...deadline, metadata: roleMetadata('os:admin') });
  assert.match(config.resource?.spec?.yamlSpec ?? '', /machine:/);
  await expectApiError(
    node.machine.reboot({}, { ...deadline, metadata: roleMetadata('os:reader') }),
    'permission-denied',
  );

  const events: string[] = [];
  const ac = new AbortController();
  for await (const e of node.machine.events({ tailEvents: 5 }, { signal: ac.signal })) {
    events.push(e.id);
    if (events.length === 5) break;
  }
  assert.equal(events.length, 5);
  const since = events[2] ?? '';
  const after: string[] = [];
  for await (const e of node.machine.events({ tailId: since }, {})) {
    after.push(e.id);
    if (after.length === 2) break;
  }
  assert.deepEqual(after, events.slice(3, 5));
});
