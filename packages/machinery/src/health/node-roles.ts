// Learns each node's role from its MachineType resource (config/machine-type), for a health wait
// given only a list of nodes.
import type { HealthClient, HealthNodes } from './health-client.ts';
import { readSpec } from './node-checks.ts';

const MachineTypeKind = { namespace: 'config', type: 'MachineTypes.config.talos.dev', id: 'machine-type' };

/** Splits `nodes` into control planes and workers by asking each; a node that cannot answer throws. */
export async function learnNodeRoles(
  client: HealthClient,
  nodes: readonly string[],
  options: { signal?: AbortSignal } = {},
): Promise<HealthNodes> {
  const signal = options.signal ?? new AbortController().signal;
  const roles = await Promise.all(
    nodes.map(async (node) => {
      try {
        const spec = (await readSpec(client, MachineTypeKind, { node, signal })) as { machineType?: string } | null;
        return spec?.machineType ?? 'unknown';
      } catch (err) {
        throw new Error(`${node}: cannot learn the machine type: pass --control-plane-nodes and --worker-nodes`, {
          cause: err,
        });
      }
    }),
  );
  const controlPlanes = nodes.filter((_, i) => roles[i] === 'controlplane' || roles[i] === 'init');
  const workers = nodes.filter((_, i) => roles[i] === 'worker');
  const unknown = nodes.filter((_, i) => !['controlplane', 'init', 'worker'].includes(roles[i] ?? ''));
  if (unknown.length > 0) {
    throw new Error(`machine type of ${unknown.join(', ')} is unknown: pass --control-plane-nodes and --worker-nodes`);
  }
  return { controlPlanes, workers };
}
