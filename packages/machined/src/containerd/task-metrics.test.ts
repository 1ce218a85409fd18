import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { MetricsSchema as V1 } from './gen/io/containerd/cgroups/v1/metrics_pb.ts';
import { MetricsSchema as V2 } from './gen/io/containerd/cgroups/v2/metrics_pb.ts';
import { taskUsage } from './task-metrics.ts';

test('statistics of an unknown kind, or none, give no usage', () => {
  assert.equal(taskUsage(undefined), undefined);
  assert.equal(taskUsage({ typeUrl: 'io.containerd.windows.Stats', value: new Uint8Array() } as never), undefined);
});

test('cgroup v1: usage minus inactive file cache, total CPU time', () => {
  const value = toBinary(
    V1,
    create(V1, { cpu: { usage: { total: 5_000n } }, memory: { usage: { usage: 10_000n }, totalInactiveFile: 4_000n } }),
  );
  assert.deepEqual(taskUsage({ typeUrl: 'io.containerd.cgroups.v1.Metrics', value } as never), {
    memoryUsage: 6_000n,
    cpuUsage: 5_000n,
  });
});

test('cgroup v2: CPU microseconds become nanoseconds; a type URL prefix is accepted', () => {
  const value = toBinary(V2, create(V2, { cpu: { usageUsec: 7n }, memory: { usage: 100n, inactiveFile: 30n } }));
  assert.deepEqual(taskUsage({ typeUrl: 'types.containerd.io/io.containerd.cgroups.v2.Metrics', value } as never), {
    memoryUsage: 70n,
    cpuUsage: 7_000n,
  });
});

test('memory never goes below zero, whatever the counters', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 1n << 62n }), fc.bigInt({ min: 0n, max: 1n << 62n }), (usage, inactive) => {
      const value = toBinary(V1, create(V1, { memory: { usage: { usage }, totalInactiveFile: inactive } }));
      const got = taskUsage({ typeUrl: 'io.containerd.cgroups.v1.Metrics', value } as never);
      assert.ok(got !== undefined && got.memoryUsage >= 0n && got.memoryUsage <= usage);
    }),
  );
});
