// A task's CPU time and memory use from the cgroup statistics containerd reports for it (an Any
// holding io.containerd.cgroups.v1.Metrics or .v2.Metrics), computed as Talos does: memory is the
// usage minus the inactive file cache, CPU the total time used in nanoseconds.
import { fromBinary } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { MetricsSchema as V1Metrics } from './gen/io/containerd/cgroups/v1/metrics_pb.ts';
import { MetricsSchema as V2Metrics } from './gen/io/containerd/cgroups/v2/metrics_pb.ts';

export interface TaskUsage {
  /** Bytes of memory in use, without the inactive file cache. */
  memoryUsage: bigint;
  /** CPU time used, in nanoseconds. */
  cpuUsage: bigint;
}

function typeName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

function minus(a: bigint, b: bigint): bigint {
  return a > b ? a - b : 0n;
}

/** The usage in `data`, or undefined for statistics of another kind (or none). */
export function taskUsage(data: Any | undefined): TaskUsage | undefined {
  if (data === undefined) return undefined;
  switch (typeName(data.typeUrl)) {
    case V1Metrics.typeName: {
      const m = fromBinary(V1Metrics, data.value);
      return {
        memoryUsage: minus(m.memory?.usage?.usage ?? 0n, m.memory?.totalInactiveFile ?? 0n),
        cpuUsage: m.cpu?.usage?.total ?? 0n,
      };
    }
    case V2Metrics.typeName: {
      const m = fromBinary(V2Metrics, data.value);
      return {
        memoryUsage: minus(m.memory?.usage ?? 0n, m.memory?.inactiveFile ?? 0n),
        cpuUsage: (m.cpu?.usageUsec ?? 0n) * 1000n,
      };
    }
    default:
      return undefined;
  }
}
