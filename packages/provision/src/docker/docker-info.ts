// A docker cluster as `cluster show` prints it: the record, with each container's current state.
import { clusterInfoOf, NodeState, type ClusterInfo, type NodeInfo } from '../provisioner.ts';
import type { DockerClusterRecord } from './docker-record.ts';
import type { EngineClient } from './engine-client.ts';

export async function dockerClusterInfo(
  record: DockerClusterRecord,
  ctx: { engine: EngineClient; dir: string },
): Promise<ClusterInfo> {
  const nodes: NodeInfo[] = await Promise.all(
    record.nodes.map(async (n) => {
      const info = await ctx.engine.inspectContainer(n.container ?? n.name).catch(() => undefined);
      const running = info?.State.Running === true;
      return {
        name: n.name,
        role: n.role,
        address: n.address,
        pid: running ? info.State.Pid : undefined,
        state: running ? NodeState.running : NodeState.stopped,
        stateDir: `volumes ${n.name}-state (/system/state) and ${n.name}-var (/var)`,
        logPath: `container ${n.name} (engine logs)`,
      };
    }),
  );
  return clusterInfoOf(record, ctx.dir, nodes);
}
