import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiError, isApiError } from '@bronze/machinery';
import type { ContainerRecord, ContainerdClient, TaskRecord } from '../containerd/containerd-client.ts';
import { criLogs, type CriLogsRequest } from './cri-log-handler.ts';
import type { NodeApi } from './node-api.ts';

const labels = (pod: string, uid: string, container?: string): Record<string, string> => ({
  'io.kubernetes.pod.namespace': 'kube-system',
  'io.kubernetes.pod.name': pod,
  'io.kubernetes.pod.uid': uid,
  ...(container === undefined ? {} : { 'io.kubernetes.container.name': container }),
});

const containers: ContainerRecord[] = [
  { id: 'sandbox1', image: 'pause', labels: labels('kube-apiserver-n1', 'uid-1') },
  { id: 'c-old', image: 'api', labels: labels('kube-apiserver-n1', 'uid-0', 'kube-apiserver') },
  { id: 'c-new', image: 'api', labels: labels('kube-apiserver-n1', 'uid-1', 'kube-apiserver') },
  { id: 'c-quiet', image: 'sched', labels: labels('kube-scheduler-n1', 'uid-2', 'kube-scheduler') },
];
const tasks: TaskRecord[] = [{ containerId: 'c-new', pid: 9, status: 'RUNNING' }];

function fake(options: { down?: boolean } = {}): (socket: string) => ContainerdClient {
  return (socket) => ({
    socket,
    containers: () =>
      options.down === true
        ? Promise.reject(new ApiError('unavailable', `nothing answers on ${socket}`))
        : Promise.resolve(containers),
    tasks: () => Promise.resolve(tasks),
    metrics: () => Promise.resolve([]),
    kill: () => Promise.resolve(),
    close: () => undefined,
  });
}

async function nodeWithLogs(t: { after: (fn: () => Promise<void>) => void }): Promise<NodeApi> {
  const root = await mkdtemp(join(tmpdir(), 'cri-log-handler-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'var/log/pods/kube-system_kube-apiserver-n1_uid-1/kube-apiserver');
  await mkdir(dir, { recursive: true });
  const line = (m: string): string => `2026-11-22T03:00:00.000000000Z stderr F ${m}\n`;
  await writeFile(join(dir, '0.log'), line('first run'));
  await writeFile(join(dir, '1.log'), ['one', 'two', 'three'].map(line).join(''));
  return { platform: { paths: { root } } } as unknown as NodeApi;
}

const req = (id: string, more: Partial<CriLogsRequest> = {}): CriLogsRequest => ({
  id,
  namespace: '',
  follow: false,
  tailLines: -1,
  ...more,
});

async function all(gen: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of gen) out.push(l);
  return out;
}

const signal = new AbortController().signal;

test('an unknown id is NOT_FOUND naming the id and how to list them', async (t) => {
  const node = await nodeWithLogs(t);
  await assert.rejects(all(criLogs(node, req('kube-system/nope:x'), { signal, open: fake() })), (err: unknown) => {
    assert.ok(isApiError(err) && err.code === 'not-found');
    assert.match(err.message, /"kube-system\/nope:x" not found in containerd namespace k8s\.io/);
    assert.match(err.message, /osctl containers -k/);
    return true;
  });
});

test('an empty id is INVALID_ARGUMENT; a pod sandbox id is NOT_FOUND asking for the container', async (t) => {
  const node = await nodeWithLogs(t);
  await assert.rejects(all(criLogs(node, req(''), { signal, open: fake() })), (err: unknown) => {
    return isApiError(err) && err.code === 'invalid-argument';
  });
  await assert.rejects(
    all(criLogs(node, req('kube-system/kube-apiserver-n1'), { signal, open: fake() })),
    (err: unknown) =>
      isApiError(err) &&
      err.code === 'not-found' &&
      /name one of its containers as kube-system\/kube-apiserver-n1:CONTAINER/.test(err.message),
  );
});

test('a container without a log file is NOT_FOUND naming the directory searched', async (t) => {
  const node = await nodeWithLogs(t);
  await assert.rejects(
    all(criLogs(node, req('kube-system/kube-scheduler-n1:kube-scheduler'), { signal, open: fake() })),
    (err: unknown) =>
      isApiError(err) && err.code === 'not-found' && /has no log file under .*var\/log\/pods/.test(err.message),
  );
});

test('a containerd that does not answer is UNAVAILABLE pointing at the cri service', async (t) => {
  const node = await nodeWithLogs(t);
  await assert.rejects(
    all(criLogs(node, req('kube-system/kube-apiserver-n1:kube-apiserver'), { signal, open: fake({ down: true }) })),
    (err: unknown) => isApiError(err) && err.code === 'unavailable' && /osctl service cri/.test(err.message),
  );
});

test('the running container of the id (its pod uid) gives its newest log, tail honoured', async (t) => {
  const node = await nodeWithLogs(t);
  const id = 'kube-system/kube-apiserver-n1:kube-apiserver';
  assert.deepEqual(await all(criLogs(node, req(id), { signal, open: fake() })), ['one', 'two', 'three']);
  assert.deepEqual(await all(criLogs(node, req(id, { tailLines: 2 }), { signal, open: fake() })), ['two', 'three']);
  assert.deepEqual(await all(criLogs(node, req('c-new', { tailLines: 1 }), { signal, open: fake() })), ['three']);
});
