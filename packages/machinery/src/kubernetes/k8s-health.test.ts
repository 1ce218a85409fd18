import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthClient } from '../health/health-client.ts';
import { waitHealthy, type HealthProgress } from '../health/wait-healthy.ts';
import type { KubeObject } from './k8s-client.ts';
import { kubernetesHealthChecks, runsKubernetes } from './k8s-health-checks.ts';
import {
  checkControlPlaneReady,
  checkCoreDnsReady,
  checkK8sNodesReady,
  checkK8sNodesReport,
  checkKubeProxyReady,
  checkStaticPodsRunning,
  type KubeCheckContext,
  type KubeReader,
} from './k8s-health.ts';

function node(name: string, ip: string, ready = 'True'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'KubeletNotReady' }],
    },
  };
}

function pod(name: string, phase: string, ready: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system' },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

interface World {
  Node: KubeObject[];
  Pod: KubeObject[];
  DaemonSet: KubeObject[];
  Deployment: KubeObject[];
}

function fakeKube(world: World): KubeReader {
  return {
    list: (kind) => Promise.resolve(world[kind.kind as keyof World]),
    find: (ref) => Promise.resolve(world[ref.kind as keyof World].find((o) => o.metadata.name === ref.name)),
  };
}

function healthy(): World {
  return {
    Node: [node('cp-1', '10.5.0.2'), node('worker-1', '10.5.0.3')],
    Pod: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => pod(`${c}-cp-1`, 'Running', true)),
    DaemonSet: [
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'kube-proxy' },
        status: { desiredNumberScheduled: 2, numberReady: 2 },
      },
    ],
    Deployment: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'coredns' },
        spec: { replicas: 2 },
        status: { readyReplicas: 2 },
      },
    ],
  };
}

function ctx(world: World): KubeCheckContext {
  return {
    client: {} as HealthClient,
    controlPlanes: ['10.5.0.2'],
    workers: ['10.5.0.3:50000'],
    signal: new AbortController().signal,
    kube: fakeKube(world),
  };
}

test('k8s checks: a missing, an extra and a not-ready node are named', async () => {
  const w = healthy();
  w.Node = [node('cp-1', '10.5.0.2'), node('stray', '10.5.0.9')];
  await assert.rejects(checkK8sNodesReport(ctx(w)), {
    message: 'nodes not registered: 10.5.0.3:50000; unexpected nodes: stray (10.5.0.9, stray)',
  });
  w.Node = [node('cp-1', '10.5.0.2'), node('worker-1', '10.5.0.3', 'False')];
  await assert.rejects(checkK8sNodesReady(ctx(w)), {
    message: 'nodes not ready: worker-1 Ready=False (KubeletNotReady)',
  });
});

test('k8s checks: static pods missing, pending or not ready are named per control plane', async () => {
  const w = healthy();
  w.Pod = [pod('kube-apiserver-cp-1', 'Pending', false), pod('kube-scheduler-cp-1', 'Running', false)];
  await assert.rejects(checkStaticPodsRunning(ctx(w)), {
    message: 'kube-apiserver-cp-1 is Pending, kube-controller-manager-cp-1 not found',
  });
  await assert.rejects(checkControlPlaneReady(ctx(w)), {
    message:
      'kube-apiserver-cp-1 is not ready, kube-controller-manager-cp-1 not found, kube-scheduler-cp-1 is not ready',
  });
});

test('k8s checks: kube-proxy and CoreDNS count ready pods; absent (disabled) passes', async () => {
  const w = healthy();
  const [ds] = w.DaemonSet;
  const [deployment] = w.Deployment;
  assert.ok(ds !== undefined && deployment !== undefined);
  ds['status'] = { desiredNumberScheduled: 2, numberReady: 1 };
  deployment['status'] = {};
  await assert.rejects(checkKubeProxyReady(ctx(w)), { message: 'kube-proxy: 1 of 2 pods ready' });
  await assert.rejects(checkCoreDnsReady(ctx(w)), { message: 'coredns: 0 of 2 replicas ready' });
  w.DaemonSet = [];
  w.Deployment = [];
  await checkKubeProxyReady(ctx(w));
  await checkCoreDnsReady(ctx(w));
});

test('k8s checks through waitHealthy: Talos wording, retried until healthy', async () => {
  const w = healthy();
  w.Node = [node('cp-1', '10.5.0.2')];
  const events: string[] = [];
  let asked = 0;
  const source = {
    kube: () => {
      asked++;
      // the second attempt of the first check finds the worker registered
      if (asked === 2) w.Node = healthy().Node;
      return Promise.resolve(fakeKube(w));
    },
  };
  await waitHealthy({} as HealthClient, {
    controlPlanes: ['10.5.0.2'],
    workers: ['10.5.0.3'],
    timeout: 5000,
    interval: 1,
    checks: kubernetesHealthChecks(source),
    onProgress: (e: HealthProgress) =>
      events.push(`${e.kind} ${e.check}${e.kind === 'retry' ? `: ${e.error.message}` : ''}`),
  });
  assert.deepEqual(events.slice(0, 4), [
    'start all k8s nodes to report',
    'retry all k8s nodes to report: nodes not registered: 10.5.0.3',
    'pass all k8s nodes to report',
    'start all control plane static pods to be running',
  ]);
  assert.equal(events.at(-1), 'pass all k8s nodes to report schedulable');
  assert.equal(events.filter((e) => e.startsWith('pass')).length, 7);
});

test('runsKubernetes: a kubelet that is not skipped; skipped, absent or no answer is no', async () => {
  const answer = (services: { id: string; state: string }[] | Error): HealthClient =>
    ({
      machine: {
        serviceList: () =>
          services instanceof Error ? Promise.reject(services) : Promise.resolve({ messages: [{ services }] }),
      },
    }) as unknown as HealthClient;
  const signal = new AbortController().signal;
  assert.equal(
    await runsKubernetes(
      answer([
        { id: 'etcd', state: 'Running' },
        { id: 'kubelet', state: 'Waiting' },
      ]),
      'n',
      signal,
    ),
    true,
  );
  assert.equal(await runsKubernetes(answer([{ id: 'kubelet', state: 'Skipped' }]), 'n', signal), false);
  assert.equal(await runsKubernetes(answer([{ id: 'etcd', state: 'Running' }]), 'n', signal), false);
  assert.equal(await runsKubernetes(answer(new Error('unavailable')), 'n', signal), false);
  const aborted = AbortSignal.abort();
  await assert.rejects(runsKubernetes(answer(new Error('cancelled')), 'n', aborted));
});
