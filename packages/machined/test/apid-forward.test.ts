// apid's routing: node-to-node forwarding, the older fan-out with per-node errors, workers that
// refuse to forward, client streams, and streams whose client disappears.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createServer } from 'node:net';
import { cosiStateApi, createClient, dial, isApiError, mutualTlsChannelCredentials } from '@bronze/machinery';
import {
  apiCertificates,
  createPki,
  machineClient,
  md,
  startFakeMachined,
  startTestApid,
  type FakeMachined,
  type Pki,
} from './apid-fixtures.ts';
import { eventually } from './helpers.ts';

const ApiCertificates = 'ApiCertificates.secrets.talos.dev';

interface Node {
  machined: FakeMachined;
  port: number;
  target: string;
}

async function node(t: TestContext, pki: Pki, name: string, options: { client: boolean }): Promise<Node> {
  const machined = await startFakeMachined(t, name);
  machined.publish(ApiCertificates, await apiCertificates(pki, options));
  const { port } = await startTestApid(t, machined);
  return { machined, port, target: `127.0.0.1:${port}` };
}

async function adminOf(t: TestContext, pki: Pki, port: number, roles = ['os:admin']) {
  const admin = await pki.issue({ organizations: roles });
  return machineClient(t, port, { ca: pki.caPem, cert: admin.crt, key: admin.key }).machine;
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

test('a call with node metadata is forwarded to that node with the caller roles', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const b = await node(t, pki, 'node-b', { client: false });
  const machine = await adminOf(t, pki, a.port, ['os:operator']);
  const reply = await machine.version({}, { metadata: md(['node', b.target]) });
  assert.equal(reply.messages[0]?.metadata?.hostname, 'node-b');
  assert.equal(a.machined.calls.length, 0, 'node A answered nothing itself');
  const seen = b.machined.calls.at(-1);
  assert.ok(seen !== undefined);
  assert.deepEqual(b.machined.rolesOf(seen), ['os:operator'], 'roles travel in talos-role');
  assert.deepEqual(seen.metadata.get('proxyfrom'), ['127.0.0.1']);
  assert.deepEqual(seen.metadata.get('node'), []);
  await machine.reboot({}, { metadata: md(['node', b.target]) });
  assert.equal(b.machined.calls.at(-1)?.method, 'Reboot');
});

test('fan-out merges every node, and a node that is down answers with its error', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const b = await node(t, pki, 'node-b', { client: false });
  const down = `127.0.0.1:${await deadPort()}`;
  const machine = await adminOf(t, pki, a.port);
  const reply = await machine.version(
    {},
    { metadata: md(['nodes', a.target], ['nodes', b.target], ['nodes', down]), deadline: new Date(Date.now() + 8000) },
  );
  const byHost = new Map(reply.messages.map((m) => [m.metadata?.hostname, m]));
  assert.equal(reply.messages.length, 3);
  assert.equal(byHost.get(a.target)?.version?.os, 'node-a');
  assert.equal(byHost.get(b.target)?.version?.os, 'node-b');
  const failed = byHost.get(down);
  assert.ok(failed !== undefined);
  assert.equal(failed.version, undefined);
  assert.ok((failed.metadata?.error ?? '') !== '', 'the failed node carries an error');
  assert.equal(failed.metadata?.status?.code, 14);
});

test('fan-out of a server stream tags each message with its node', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const b = await node(t, pki, 'node-b', { client: false });
  const machine = await adminOf(t, pki, a.port);
  const hosts = new Map<string, number>();
  for await (const data of machine.logs({ id: 'etcd' }, { metadata: md(['nodes', a.target], ['nodes', b.target]) })) {
    const host = data.metadata?.hostname ?? '';
    hosts.set(host, (hosts.get(host) ?? 0) + 1);
    assert.match(Buffer.from(data.bytes).toString(), /^etcd line \d/);
  }
  assert.deepEqual(Object.fromEntries(hosts), { [a.target]: 3, [b.target]: 3 });
});

test('a worker refuses to forward but answers for itself', async (t) => {
  const pki = await createPki();
  const worker = await node(t, pki, 'worker', { client: false });
  const other = await node(t, pki, 'node-b', { client: false });
  const machine = await adminOf(t, pki, worker.port);
  for (const metadata of [md(['node', other.target]), md(['nodes', other.target])]) {
    await assert.rejects(machine.version({}, { metadata }), (err: unknown) => {
      return isApiError(err, 'permission-denied') && err.message.includes('no request forwarding');
    });
  }
  assert.equal(other.machined.calls.length, 0);
  const reply = await machine.version({});
  assert.equal(reply.messages[0]?.metadata?.hostname, 'worker');
});

test('a client stream (EtcdRecover) is piped through two apids', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const b = await node(t, pki, 'node-b', { client: false });
  const machine = await adminOf(t, pki, a.port);
  const chunk = Buffer.alloc(256 * 1024, 7);
  async function* upload() {
    for (let i = 0; i < 40; i++) yield await Promise.resolve({ bytes: chunk });
  }
  const reply = await machine.etcdRecover(upload(), { metadata: md(['node', b.target]) });
  assert.equal(reply.messages[0]?.metadata?.hostname, 'node-b');
  assert.equal(b.machined.recovered, 40 * chunk.length);
});

test('a client that disappears mid-upload cancels the upstream upload, even across nodes', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const b = await node(t, pki, 'node-b', { client: false });
  const machine = await adminOf(t, pki, a.port);
  for (const [metadata, machined] of [
    [md(), a.machined],
    [md(['node', b.target]), b.machined],
  ] as const) {
    const controller = new AbortController();
    async function* upload() {
      for (let i = 0; ; i++) {
        if (i === 5) controller.abort(new Error('client went away'));
        yield await new Promise<{ bytes: Buffer }>((r) =>
          setTimeout(() => {
            r({ bytes: Buffer.alloc(1024) });
          }, 10),
        );
      }
    }
    await assert.rejects(machine.etcdRecover(upload(), { metadata, signal: controller.signal }), /client went away/);
    await eventually(() => (machined.abortedUploads === 1 ? true : undefined));
  }
});

test('a client that disappears mid-stream cancels the upstream stream, even across nodes', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const b = await node(t, pki, 'node-b', { client: false });
  for (const [metadata, machined] of [
    [md(), a.machined],
    [md(['node', b.target]), b.machined],
  ] as const) {
    const machine = await adminOf(t, pki, a.port);
    const controller = new AbortController();
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of machine.logs({ id: 'kubelet', follow: true }, { metadata, signal: controller.signal })) {
          if (++received === 10) controller.abort(new Error('client went away'));
        }
      })(),
      /client went away/,
    );
    await eventually(() => (machined.abortedStreams === 1 && machined.openStreams === 0 ? true : undefined));
  }
});

test('a slow client holds back machined through two apids (backpressure)', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const b = await node(t, pki, 'node-b', { client: false });
  const machine = await adminOf(t, pki, a.port);
  const controller = new AbortController();
  const logs = machine.logs(
    { id: 'flood', follow: true },
    { metadata: md(['node', b.target]), signal: controller.signal },
  );
  const stream = logs[Symbol.asyncIterator]();
  assert.equal((await stream.next()).done, false);
  // Let every buffer on the way fill up, then machined must stay put while the client reads nothing.
  let ahead = -1;
  while (ahead !== b.machined.produced) {
    ahead = b.machined.produced;
    await new Promise((r) => setTimeout(r, 300));
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(b.machined.produced, ahead, 'machined stopped producing while the client did not read');
  // Flow-control windows and buffers on three hops: a few MiB at most, not everything.
  assert.ok(ahead < 16 * 1024, `machined ran ${String(ahead)} KiB ahead of the client`);
  for (let i = 0; i < 100; i++) assert.equal((await stream.next()).done, false);
  controller.abort(new Error('done'));
  await stream.return?.();
  await eventually(() => (b.machined.openStreams === 0 ? true : undefined));
});

test('forwarding to a node that is down fails fast with UNAVAILABLE', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const machine = await adminOf(t, pki, a.port);
  const down = `127.0.0.1:${String(await deadPort())}`;
  const started = Date.now();
  await assert.rejects(machine.version({}, { metadata: md(['node', down]) }), (err: unknown) =>
    isApiError(err, 'unavailable'),
  );
  assert.ok(Date.now() - started < 5000);
  await machine.version({});
});

test('malformed routing metadata is INVALID_ARGUMENT; State cannot fan out', async (t) => {
  const pki = await createPki();
  const a = await node(t, pki, 'node-a', { client: true });
  const machine = await adminOf(t, pki, a.port);
  const malformed = [
    md(['node', 'x'], ['nodes', 'y']),
    md(['node', 'x'], ['node', 'y']),
    md(['node', '']),
    md(['node', 'no spaces/or slashes']),
  ];
  for (const metadata of malformed) {
    await assert.rejects(machine.version({}, { metadata }), (err: unknown) => isApiError(err, 'invalid-argument'));
  }
  assert.equal(a.machined.calls.length, 0);
  const admin = await pki.issue({ organizations: ['os:admin'] });
  const channel = dial(a.target, {
    credentials: mutualTlsChannelCredentials({ ca: pki.caPem, cert: admin.crt, key: admin.key }),
  });
  t.after(() => {
    channel.close();
  });
  const state = createClient(cosiStateApi.State, channel);
  const request = { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' };
  await assert.rejects(state.get(request, { metadata: md(['nodes', a.target]) }), (err: unknown) =>
    isApiError(err, 'invalid-argument'),
  );
});
