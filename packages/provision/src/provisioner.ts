// The provisioner interface: what `osctl cluster create|show|destroy` asks of a provider (process
// now; docker and qemu later). Every provider runs provisioner-conformance.ts.

export const NodeRole = { controlPlane: 'controlplane', worker: 'worker' } as const;
export type NodeRole = (typeof NodeRole)[keyof typeof NodeRole];

/** One line of progress for a person watching (`waiting for apid on demo-worker-1 ...`). */
export type Progress = (line: string) => void;

export interface ClusterRequest {
  name: string;
  controlPlanes: number;
  workers: number;
  /** Config patches (talosctl's `--config-patch*` arguments: `@file` or inline). */
  patches?: { all?: readonly string[]; controlPlane?: readonly string[]; worker?: readonly string[] };
  /** Directory relative patch files are read from. */
  cwd?: string;
  /** How long to wait for every node's API (default 2 min). */
  waitTimeoutMs?: number;
  /** The talosconfig to merge the cluster's context into; none: only the cluster's own copy. */
  talosconfig?: string;
  /** Size of the service-account RSA key (tests use 2048 for speed). */
  rsaBits?: number;
  progress?: Progress;
  signal?: AbortSignal;
}

export const NodeState = { running: 'running', stopped: 'stopped' } as const;
export type NodeState = (typeof NodeState)[keyof typeof NodeState];

export interface NodeInfo {
  name: string;
  role: NodeRole;
  address: string;
  /** The process (or container, VM) id; undefined when it never started. */
  pid: number | undefined;
  state: NodeState;
  /** Where the node keeps its state (STATE and EPHEMERAL) on the host. */
  stateDir: string;
  logPath: string;
}

export interface ClusterInfo {
  name: string;
  provisioner: string;
  /** The directory holding cluster.json, secrets, configs, logs and node state. */
  dir: string;
  /** The node subnet, e.g. 127.0.50.0/24. */
  subnet: string;
  /** The Kubernetes API endpoint written into the configs. */
  kubernetesEndpoint: string;
  /** Machine API endpoints (control-plane addresses). */
  endpoints: string[];
  /** The talosconfig holding this cluster's context, and that context's name. */
  talosconfig: { path: string; context: string } | undefined;
  nodes: NodeInfo[];
}

export interface DestroyResult {
  /** Processes (or containers) stopped, with how: `terminated` or `killed` after the timeout. */
  stopped: { node: string; pid: number; how: 'terminated' | 'killed' }[];
  /** Things that could not be cleaned up, said plainly; empty when nothing is left behind. */
  leftovers: string[];
}

export interface Provisioner {
  readonly name: string;
  /** Starts a cluster and waits for every node's API; refuses a name that exists. */
  create(request: ClusterRequest): Promise<ClusterInfo>;
  /** The cluster as recorded, with each node's current state. */
  show(name: string, options?: { signal?: AbortSignal }): Promise<ClusterInfo>;
  /** Every cluster this provisioner knows in its state directory. */
  list(options?: { signal?: AbortSignal }): Promise<ClusterInfo[]>;
  /** Stops every node and removes the cluster's state and its talosconfig context. */
  destroy(name: string, options?: { signal?: AbortSignal; progress?: Progress }): Promise<DestroyResult>;
}

/** What every provider records of a cluster, whatever else its record holds. */
export interface ClusterRecordSummary {
  name: string;
  provisioner: string;
  subnet: string;
  kubernetesEndpoint: string;
  nodes: readonly { role: NodeRole; address: string }[];
  talosconfig?: { path: string; context: string } | undefined;
}

/** The ClusterInfo of a recorded cluster, with its nodes' current state; endpoints are the control planes. */
export function clusterInfoOf(record: ClusterRecordSummary, dir: string, nodes: NodeInfo[]): ClusterInfo {
  return {
    name: record.name,
    provisioner: record.provisioner,
    dir,
    subnet: record.subnet,
    kubernetesEndpoint: record.kubernetesEndpoint,
    endpoints: record.nodes.filter((n) => n.role === NodeRole.controlPlane).map((n) => n.address),
    talosconfig:
      record.talosconfig === undefined
        ? undefined
        : { path: record.talosconfig.path, context: record.talosconfig.context },
    nodes,
  };
}
