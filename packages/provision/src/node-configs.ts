// The machine configs of a process cluster: one secrets bundle, the control-plane endpoint on the
// first control-plane node, the user's --config-patch* patches, then per node its hostname and its
// address as a certificate SAN (so the API certificate names the address clients dial).
import {
  applyConfigPatches,
  generateConfigs,
  isGenerateError,
  isPatchError,
  loadPatches,
  parseClientConfig,
  parsePatch,
  type ClientContext,
  type SecretsBundle,
} from '@bronze/machinery';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';
import { NodeRole, type ClusterRequest } from './provisioner.ts';

export interface PlannedNode {
  name: string;
  role: NodeRole;
  address: string;
}

export interface ClusterConfigs {
  secrets: SecretsBundle;
  kubernetesEndpoint: string;
  /** The cluster's talosconfig context: endpoints = control planes, nodes = all. */
  context: ClientContext;
  /** The machine config text of each node, by node name. */
  machineConfigs: Map<string, string>;
}

/** Node names as talosctl gives them: NAME-controlplane-1, NAME-worker-1, ... */
export function planNodes(
  request: Pick<ClusterRequest, 'name' | 'controlPlanes' | 'workers'>,
  addresses: readonly string[],
): PlannedNode[] {
  const roles: NodeRole[] = [
    ...Array.from({ length: request.controlPlanes }, () => NodeRole.controlPlane),
    ...Array.from({ length: request.workers }, () => NodeRole.worker),
  ];
  return roles.map((role, i) => {
    const address = addresses[i];
    if (address === undefined) throw new Error(`no address for node ${i + 1}`);
    const n = role === NodeRole.controlPlane ? i + 1 : i + 1 - request.controlPlanes;
    return { name: `${request.name}-${role}-${n}`, role, address };
  });
}

export async function clusterConfigs(request: ClusterRequest, nodes: readonly PlannedNode[]): Promise<ClusterConfigs> {
  const firstCp = nodes.find((n) => n.role === NodeRole.controlPlane);
  if (firstCp === undefined)
    throw new ProvisionError(ProvisionErrorCode.invalid, 'a cluster needs at least one control-plane node');
  const kubernetesEndpoint = `https://${firstCp.address}:6443`;
  const cwd = request.cwd ?? process.cwd();
  const load = async (args: readonly string[] | undefined) =>
    args === undefined ? [] : loadPatches(args, { cwd, ...(request.signal ? { signal: request.signal } : {}) });
  try {
    const generated = await generateConfigs({
      clusterName: request.name,
      endpoint: kubernetesEndpoint,
      withClusterDiscovery: false,
      ...(request.rsaBits === undefined ? {} : { rsaBits: request.rsaBits }),
      patches: {
        all: await load(request.patches?.all),
        controlPlane: await load(request.patches?.controlPlane),
        worker: await load(request.patches?.worker),
      },
    });
    const talosconfig = parseClientConfig(generated.talosconfig, 'generated talosconfig');
    const context = talosconfig.contexts[request.name];
    if (context === undefined) throw new Error('the generated talosconfig lacks its context');
    const machineConfigs = new Map<string, string>();
    for (const node of nodes) {
      const base = node.role === NodeRole.controlPlane ? generated.controlplane : generated.worker;
      machineConfigs.set(node.name, applyConfigPatches(base, [nodePatch(node)], { source: `${node.name} config` }));
    }
    return {
      secrets: generated.secrets,
      kubernetesEndpoint,
      context: {
        ...context,
        endpoints: nodes.filter((n) => n.role === NodeRole.controlPlane).map((n) => n.address),
        nodes: nodes.map((n) => n.address),
      },
      machineConfigs,
    };
  } catch (err) {
    if (isGenerateError(err) || isPatchError(err)) {
      throw new ProvisionError(ProvisionErrorCode.invalid, `cannot generate the configs of cluster ${request.name}`, {
        cause: err,
      });
    }
    throw err;
  }
}

function nodePatch(node: PlannedNode) {
  const text = JSON.stringify({ machine: { network: { hostname: node.name }, certSANs: [node.address] } });
  return parsePatch(text, `${node.name} node patch`);
}
