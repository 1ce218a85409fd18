import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
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

test('every record is listed once, sorted, each container under its pod or its own pod', () => {
  const label = fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), { nil: undefined });
  const record = fc.record({
    id: fc.stringMatching(/^[a-z0-9]{1,8}$/),
    image: fc.string({ maxLength: 5 }),
    pod: label,
    podNamespace: label,
    container: label,
  });
  fc.assert(
    fc.property(fc.uniqueArray(record, { selector: (r) => r.id, maxLength: 12 }), (records) => {
      const containers = records.map((r) => ({
        id: r.id,
        image: r.image,
        labels: {
          ...(r.pod === undefined ? {} : { 'io.kubernetes.pod.name': r.pod }),
          ...(r.podNamespace === undefined ? {} : { 'io.kubernetes.pod.namespace': r.podNamespace }),
          ...(r.container === undefined ? {} : { 'io.kubernetes.container.name': r.container }),
        },
      }));
      const views = containerViews('ns', { containers, tasks: [] });
      assert.deepEqual(views.map((v) => v.internalId).sort(), records.map((r) => r.id).sort());
      for (let i = 1; i < views.length; i++) assert.ok((views[i - 1]?.id ?? '') <= (views[i]?.id ?? ''));
      for (const v of views) assert.ok(v.id === v.podId || v.id.startsWith(`${v.podId}:`), JSON.stringify(v));
    }),
  );
});
