// Labels on every engine object of a cluster: destroy finds them by label, so a half-created
// cluster (no record, or a record written before its containers) is cleaned up too.
import type { NodeRole } from '../provisioner.ts';

export const LabelOwned = 'bronze.owned';
export const LabelCluster = 'bronze.cluster.name';
export const LabelType = 'bronze.type';
export const LabelNode = 'bronze.node';

export function clusterLabels(cluster: string): Record<string, string> {
  return { [LabelOwned]: 'true', [LabelCluster]: cluster };
}

export function nodeLabels(cluster: string, node: { name: string; role: NodeRole }): Record<string, string> {
  return { ...clusterLabels(cluster), [LabelType]: node.role, [LabelNode]: node.name };
}

/** Volumes of a node: EPHEMERAL on /var and STATE on /system/state. */
export function nodeVolumes(node: string): Record<string, string> {
  return { [`${node}-var`]: '/var', [`${node}-state`]: '/system/state' };
}
