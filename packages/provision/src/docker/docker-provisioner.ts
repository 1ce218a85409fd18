// The docker provider: each node is a container of the node image on a bridge network of its own
// (--cidr), talking to the engine through the Docker Engine API (Docker, or Podman's service).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyConfigPatches, parsePatch, VersionTag } from '@bronze/machinery';
import { clusterDir, ensureDir } from '../cluster-record.ts';
import { clusterConfigs, planNodes, type ClusterConfigs } from '../node-configs.ts';
import { checkClusterShape } from '../process-layout.ts';
import { mergeClusterContext } from '../talosconfig-context.ts';
import { ProvisionError, ProvisionErrorCode } from '../provision-error.ts';
import { type ClusterInfo, type ClusterRequest, type Progress, type Provisioner } from '../provisioner.ts';
import { DefaultCidr, planSubnet } from './cidr.ts';
import { destroyDockerCluster, leftoversOf, removeClusterObjects } from './docker-destroy.ts';
import { dockerClusterInfo } from './docker-info.ts';
import { listDockerClusters, readDockerRecord, writeDockerRecord, type DockerClusterRecord } from './docker-record.ts';
import { engineClient, type EngineClient } from './engine-client.ts';
import { isEngineError } from './engine-error.ts';
import { clusterLabels } from './labels.ts';
import { startNodeContainers, waitForNodeContainers, writeDockerClusterFiles } from './docker-create.ts';
import { freeLoopbackPort } from './free-port.ts';
import type { DockerCreateContext, DockerProvisionerOptions } from './docker-options.ts';

export type { DockerCreateContext, DockerProvisionerOptions } from './docker-options.ts';

/** The node image as packages/imager tags it (its imageRef()). */
export const DefaultNodeImage = `localhost/bronze/node:${VersionTag}`;
const provisionerName = 'docker';

export function dockerProvisioner(options: DockerProvisionerOptions): Provisioner {
  const root = resolve(options.stateRoot);
  const engine = engineClient(options.socketPath);
  const stopTimeoutS = options.stopTimeoutS ?? 10;
  const show = async (name: string): Promise<ClusterInfo> =>
    dockerClusterInfo(await requireRecord(root, name, engine), { engine, dir: clusterDir(root, name) });
  return {
    name: provisionerName,
    create: (request) => createCluster(request, { ...options, root, engine, stopTimeoutS }),
    show,
    list: async () => Promise.all((await listDockerClusters(root)).map(show)),
    destroy: async (name, opts = {}) => {
      const dir = clusterDir(root, name);
      const record = await readDockerRecord(dir);
      // Without a record, destroy still removes what the engine holds with the cluster's label.
      if (record === undefined && (await leftoversOf(name, engine)).length === 0)
        await requireRecord(root, name, engine);
      return destroyDockerCluster(name, record, {
        engine,
        dir,
        stopTimeoutS,
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    },
  };
}

async function createCluster(request: ClusterRequest, ctx: DockerCreateContext): Promise<ClusterInfo> {
  checkClusterShape(request);
  const subnet = planSubnet(ctx.cidr ?? DefaultCidr, request.controlPlanes + request.workers);
  const progress: Progress = request.progress ?? (() => undefined);
  const dir = clusterDir(ctx.root, request.name);
  await refuseExisting(request.name, dir, ctx.engine);
  await checkImage(ctx.engine, ctx.image);
  let created = false;
  try {
    const planned = planNodes(request, subnet.addresses);
    progress(`generating secrets and configs for ${planned.length} nodes on ${subnet.cidr}`);
    const configs = withLoopbackSan(await clusterConfigs(request, planned), planned[0]?.name ?? '');
    const apiPort = await freeLoopbackPort();
    let record: DockerClusterRecord = {
      name: request.name,
      provisioner: 'docker',
      createdAt: new Date().toISOString(),
      socketPath: ctx.socketPath,
      image: ctx.image,
      subnet: subnet.cidr,
      network: request.name,
      kubernetesEndpoint: configs.kubernetesEndpoint,
      apiPort,
      nodes: planned.map((n) => ({ ...n })),
    };
    await ensureDir(dir);
    created = true;
    await writeDockerClusterFiles(dir, configs, record);
    await startNodeContainers(record, { ...ctx, dir, gateway: subnet.gateway, configs, progress, request });
    await waitForNodeContainers(record, { engine: ctx.engine, configs, progress, request });
    record = await mergeContext(record, request, configs);
    await writeDockerRecord(dir, record);
    return await dockerClusterInfo(record, { engine: ctx.engine, dir });
  } catch (err) {
    progress(`create failed: removing the containers, volumes and network of ${request.name}`);
    await removeClusterObjects(request.name, { engine: ctx.engine, dir, stopTimeoutS: 2 }).catch(() => undefined);
    if (created) await rm(dir, { recursive: true, force: true });
    if (request.signal?.aborted === true) throw request.signal.reason;
    throw err;
  }
}

async function mergeContext(
  record: DockerClusterRecord,
  request: ClusterRequest,
  configs: ClusterConfigs,
): Promise<DockerClusterRecord> {
  if (request.talosconfig === undefined) return record;
  const merged = await mergeClusterContext(resolve(request.talosconfig), request.name, {
    ...configs.context,
    endpoints: [`127.0.0.1:${record.apiPort}`],
  });
  return { ...record, talosconfig: merged };
}

/** The first control plane is reached through 127.0.0.1:PORT: its API certificate names 127.0.0.1. */
function withLoopbackSan(configs: ClusterConfigs, firstNode: string): ClusterConfigs {
  const base = configs.machineConfigs.get(firstNode);
  if (base === undefined) return configs;
  const patch = parsePatch(JSON.stringify({ machine: { certSANs: ['127.0.0.1'] } }), `${firstNode} loopback patch`);
  const machineConfigs = new Map(configs.machineConfigs);
  machineConfigs.set(firstNode, applyConfigPatches(base, [patch], { source: `${firstNode} config` }));
  return { ...configs, machineConfigs };
}

async function refuseExisting(name: string, dir: string, engine: EngineClient): Promise<void> {
  const labelled = await engine.listContainers(clusterLabels(name));
  if ((await readDockerRecord(dir)) !== undefined || labelled.length > 0) {
    throw new ProvisionError(
      ProvisionErrorCode.exists,
      `cluster ${name} already exists (${labelled.length} containers labelled ${name} in the engine): destroy it first with "osctl cluster destroy docker --name ${name}", or pick another --name`,
    );
  }
  if (existsSync(dir)) {
    throw new ProvisionError(
      ProvisionErrorCode.exists,
      `${dir} exists and is not a docker cluster: pick another --name or --state`,
    );
  }
}

async function checkImage(engine: EngineClient, image: string): Promise<void> {
  try {
    await engine.inspectImage(image);
  } catch (err) {
    if (!isEngineError(err, 404)) throw err;
    throw new ProvisionError(
      ProvisionErrorCode.missingProgram,
      `the node image ${image} is not in the engine on ${engine.socketPath}: build and import it (packages/imager), or name another with --image`,
      { cause: err },
    );
  }
}

async function requireRecord(root: string, name: string, engine: EngineClient): Promise<DockerClusterRecord> {
  const record = await readDockerRecord(clusterDir(root, name));
  if (record !== undefined) return record;
  const known = await listDockerClusters(root);
  const labelled = await engine.listContainers(clusterLabels(name)).catch(() => []);
  const hint =
    labelled.length > 0 ? `; the engine has ${labelled.length} containers labelled ${name}: destroy removes them` : '';
  throw new ProvisionError(
    ProvisionErrorCode.notFound,
    `no cluster ${name} in ${root} (docker clusters there: ${known.length > 0 ? known.join(', ') : 'none'})${hint}: pass --name, or --state for another state directory`,
  );
}
