import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerViews } from './container-list.ts';

test('a record without a task is STOPPED with pid 0; a task gives pid and status', () => {
  const views = containerViews('system', {
    containers: [
      { id: 'b', image: 'img/b', labels: {} },
      { id: 'a', image: 'img/a', labels: {} },
    ],
    tasks: [{ containerId: 'b', pid: 42, status: 'RUNNING' }],
  });
  assert.deepEqual(
    views.map((v) => [v.id, v.podId, v.name, v.internalId, v.pid, v.status]),
    [
      ['a', 'a', 'a', 'a', 0, 'STOPPED'],
      ['b', 'b', 'b', 'b', 42, 'RUNNING'],
    ],
  );
  assert.ok(views.every((v) => v.namespace === 'system'));
});

test('kubernetes containers are named after their pod, sandbox first, as talosctl groups them', () => {
  const pod = { 'io.kubernetes.pod.name': 'coredns-1', 'io.kubernetes.pod.namespace': 'kube-system' };
  const views = containerViews('k8s.io', {
    containers: [
      {
        id: 'c2',
        image: 'coredns',
        labels: { ...pod, 'io.kubernetes.container.name': 'coredns', 'io.kubernetes.pod.uid': 'u-1' },
      },
      { id: 's1', image: 'pause', labels: { ...pod, 'io.kubernetes.pod.uid': 'u-1' } },
      // Only one of the two pod labels: not a pod member.
      { id: 'x', image: 'other', labels: { 'io.kubernetes.pod.name': 'lonely' } },
    ],
    tasks: [],
  });
  assert.deepEqual(
    views.map((v) => [v.id, v.podId, v.name, v.internalId, v.uid]),
    [
      ['kube-system/coredns-1', 'kube-system/coredns-1', 's1', 's1', 'u-1'],
      ['kube-system/coredns-1:coredns', 'kube-system/coredns-1', 'coredns', 'c2', 'u-1'],
      ['x', 'x', 'x', 'x', ''],
    ],
  );
});

test('an empty namespace gives an empty list', () => {
  assert.deepEqual(containerViews('nothing', { containers: [], tasks: [] }), []);
});
