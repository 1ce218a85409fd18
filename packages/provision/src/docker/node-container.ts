// One node as a container: the shape Talos's docker provider gives its nodes (privileged, read-only
// root, tmpfs on /run /system /tmp, volumes on /var and /system/state), the machine config in
// USERDATA (base64), ulimits that fit the host, a fixed address on the cluster's network.
import type { NodeRole } from '../provisioner.ts';
import type { ContainerSpec } from './engine-containers.ts';
import { nodeLabels, nodeVolumes } from './labels.ts';
import { clampUlimits, NodeUlimits } from './ulimits.ts';

export interface NodeContainerOptions {
  cluster: string;
  node: { name: string; role: NodeRole; address: string };
  image: string;
  network: string;
  config: string;
  hardLimits: ReadonlyMap<string, number>;
  /** Host port on 127.0.0.1 for the node's port 50000 (the first control plane only). */
  apiPort?: number;
  nanoCpus?: number;
  memoryBytes?: number;
}

export function nodeContainerSpec(o: NodeContainerOptions): ContainerSpec {
  return {
    name: o.node.name,
    image: o.image,
    hostname: o.node.name,
    // The image's entrypoint is /sbin/init (machined); the container platform reads USERDATA.
    cmd: ['--platform', 'container'],
    env: { USERDATA: Buffer.from(o.config).toString('base64') },
    labels: nodeLabels(o.cluster, o.node),
    privileged: true,
    readOnlyRoot: true,
    tmpfs: { '/run': 'rw', '/system': 'rw', '/tmp': 'rw' },
    volumes: nodeVolumes(o.node.name),
    ulimits: clampUlimits(NodeUlimits, o.hardLimits),
    network: { name: o.network, ipv4: o.node.address },
    ...(o.apiPort === undefined ? {} : { publish: { '50000/tcp': o.apiPort } }),
    ...(o.nanoCpus === undefined ? {} : { nanoCpus: o.nanoCpus }),
    ...(o.memoryBytes === undefined ? {} : { memoryBytes: o.memoryBytes }),
  };
}
