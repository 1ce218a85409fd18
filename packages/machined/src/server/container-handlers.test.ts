import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, commonApi, formatErrorChain, isApiError, type CallContext } from '@bronze/machinery';
import type { ContainerdClient } from '../containerd/containerd-client.ts';
import { containerPlatform } from '../platform/container-platform.ts';
import { processPlatform } from '../platform/process-platform.ts';
import { containerHandlers } from './container-handlers.ts';
import type { NodeApi } from './node-api.ts';

function nodeOn(platform: NodeApi['platform']): NodeApi {
  return { platform, hostname: () => 'node-1' } as unknown as NodeApi;
}

const ctx = { signal: new AbortController().signal } as CallContext;

interface Seen {
  sockets: string[];
  namespaces: string[];
  killed: { namespace: string; id: string; signal: number }[];
  closed: number;
}

function fake(seen: Seen, options: { down?: boolean } = {}): (socket: string) => ContainerdClient {
  const refuse = (socket: string): never => {
    throw new ApiError('unavailable', `nothing answers on ${socket}`);
  };
  return (socket) => {
    seen.sockets.push(socket);
    return {
      socket,
      containers: (ns) => {
        if (options.down === true) refuse(socket);
        seen.namespaces.push(ns);
        return Promise.resolve(ns === 'empty' ? [] : [{ id: 'etcd', image: 'etcd:3', labels: {} }]);
      },
      tasks: (ns) =>
        Promise.resolve(ns === 'empty' ? [] : [{ containerId: 'etcd', pid: 7, status: 'RUNNING' as const }]),
      metrics: (ns) =>
        Promise.resolve(ns === 'empty' ? [] : [{ containerId: 'etcd', memoryUsage: 2_500_000n, cpuUsage: 9n }]),
      kill: (namespace, id, o) => {
        seen.killed.push({ namespace, id, signal: o.killSignal });
        return Promise.resolve();
      },
      close: () => {
        seen.closed++;
      },
    };
  };
}

const newSeen = (): Seen => ({ sockets: [], namespaces: [], killed: [], closed: 0 });

test('a containerd that does not answer is UNAVAILABLE, naming the socket and the platform reason', async () => {
  const seen = newSeen();
  const h = containerHandlers(nodeOn(processPlatform({ stateDir: '/tmp/n1', address: '127.0.1.2' })), {
    open: fake(seen, { down: true }),
  });
  await assert.rejects(
    Promise.resolve(h.containers?.({ namespace: '', driver: commonApi.ContainerDriver.CONTAINERD } as never, ctx)),
    (err: unknown) =>
      isApiError(err, 'unavailable') &&
      formatErrorChain(err).includes('/tmp/n1/system/run/containerd/containerd.sock') &&
      /containerd service does not run on the process platform/.test(err.message),
  );
  assert.equal(seen.closed, 1, 'the client is closed after a failure too');
});

test('where the platform runs it, an absent containerd points at its service', async () => {
  const h = containerHandlers(nodeOn(containerPlatform({ address: '10.5.0.2', env: {} })), {
    open: fake(newSeen(), { down: true }),
  });
  await assert.rejects(
    Promise.resolve(h.containers?.({ namespace: '', driver: commonApi.ContainerDriver.CRI } as never, ctx)),
    (err: unknown) =>
      isApiError(err, 'unavailable') &&
      formatErrorChain(err) ===
        'the containerd of the cri service is not reachable; see "osctl service cri": nothing answers on /run/containerd/containerd.sock',
  );
});

test('the containerd driver reads the system containerd, namespace system unless named', async () => {
  const seen = newSeen();
  const h = containerHandlers(nodeOn(containerPlatform({ address: '10.5.0.2', env: {} })), { open: fake(seen) });
  const reply = (await h.containers?.(
    { namespace: '', driver: commonApi.ContainerDriver.CONTAINERD } as never,
    ctx,
  )) as {
    messages: { metadata: { hostname: string }; containers: { id: string; pid: number; namespace: string }[] }[];
  };
  const first = reply.messages[0];
  assert.ok(first !== undefined);
  assert.equal(first.metadata.hostname, 'node-1');
  assert.deepEqual(
    first.containers.map((c) => [c.namespace, c.id, c.pid]),
    [['system', 'etcd', 7]],
  );
  assert.deepEqual(seen.sockets, ['/system/run/containerd/containerd.sock']);
  await h.containers?.({ namespace: 'empty', driver: commonApi.ContainerDriver.CONTAINERD } as never, ctx);
  assert.deepEqual(seen.namespaces, ['system', 'empty']);
});

test('the CRI driver reads the CRI containerd in k8s.io', async () => {
  const seen = newSeen();
  const h = containerHandlers(nodeOn(containerPlatform({ address: '10.5.0.2', env: {} })), { open: fake(seen) });
  await h.containers?.({ namespace: '', driver: commonApi.ContainerDriver.CRI } as never, ctx);
  assert.deepEqual(seen.sockets, ['/run/containerd/containerd.sock']);
  assert.deepEqual(seen.namespaces, ['k8s.io']);
});

test('Restart sends SIGTERM to the named container, refuses an empty or unknown id', async () => {
  const seen = newSeen();
  const h = containerHandlers(nodeOn(containerPlatform({ address: '10.5.0.2', env: {} })), { open: fake(seen) });
  await assert.rejects(
    Promise.resolve(h.restart?.({ namespace: 'system', id: '', driver: 0 } as never, ctx)),
    (err: unknown) => isApiError(err, 'invalid-argument'),
  );
  await assert.rejects(
    Promise.resolve(h.restart?.({ namespace: 'system', id: 'nope', driver: 0 } as never, ctx)),
    (err: unknown) => isApiError(err, 'not-found') && /"nope"/.test(err.message),
  );
  await h.restart?.({ namespace: 'system', id: 'etcd', driver: 0 } as never, ctx);
  assert.deepEqual(seen.killed, [{ namespace: 'system', id: 'etcd', signal: 15 }]);
});

test('Stats reports memory and CPU of the containers containerd has statistics for', async () => {
  const seen = newSeen();
  const h = containerHandlers(nodeOn(containerPlatform({ address: '10.5.0.2', env: {} })), { open: fake(seen) });
  const reply = (await h.stats?.({ namespace: '', driver: 0 } as never, ctx)) as {
    messages: { stats: { id: string; podId: string; memoryUsage: bigint; cpuUsage: bigint }[] }[];
  };
  assert.deepEqual(reply.messages[0]?.stats, [
    { namespace: 'system', id: 'etcd', podId: 'etcd', name: 'etcd', memoryUsage: 2_500_000n, cpuUsage: 9n },
  ]);
  const empty = (await h.stats?.({ namespace: 'empty', driver: 0 } as never, ctx)) as { messages: { stats: [] }[] };
  assert.deepEqual(empty.messages[0]?.stats, []);
});
