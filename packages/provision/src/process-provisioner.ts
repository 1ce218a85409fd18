// The process provider: each node is a detached machined on its own loopback address (docs/NODE.md),
// with its state, config and log under the cluster's directory.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { serializeClientConfig, serializeSecretsBundle, writeFilesAtomic } from '@bronze/machinery';
import {
  clusterDir,
  ensureDir,
  listClusterNames,
  readClusterRecord,
  writeClusterRecord,
  type ClusterRecord,
  type NodeRecord,
} from './cluster-record.ts';
import { allocateSubnet, releaseSubnet } from './loopback-subnet.ts';
import { clusterConfigs, planNodes, type ClusterConfigs } from './node-configs.ts';
import { isOurMachined, startNodeProcess } from './node-process.ts';
import { startClusterNode, stopClusterNode, type StartNodeRequest } from './process-node-ops.ts';
import { destroyRecordedCluster, stopRecordedNodes } from './process-destroy.ts';
import {
  checkClusterShape,
  checkStateDirLength,
  checkNodeProgram,
  defaultNodeProgram,
  nodeConfigPath,
  nodeLogPath,
  nodeStateDir,
} from './process-layout.ts';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';
import {
  clusterInfoOf,
  NodeState,
  type ClusterInfo,
  type ClusterRequest,
  type Progress,
  type Provisioner,
} from './provisioner.ts';
import { mergeClusterContext } from './talosconfig-context.ts';
import { waitForNodes } from './wait-nodes.ts';

export interface ProcessProvisionerOptions {
  /** Where clusters live (`--state`): ROOT/NAME/. */
  stateRoot: string;
  /** machined's entry (default: this checkout's packages/machined/src/main.ts). */
  program?: string;
  /** The Node.js binary nodes run on (default: ours). */
  nodeBinary?: string;
  env?: NodeJS.ProcessEnv;
  /** How long machined gets to stop after SIGTERM before it is killed (default 10 s). */
  stopTimeoutMs?: number;
}

export const DefaultWaitTimeoutMs = 120_000;
const provisionerName = 'process';

/** The process provider, with what only it can do: stop and start one node of a cluster. */
export interface ProcessProvisioner extends Provisioner {
  /** Stops one node (by name or address); its state stays. */
  stopNode(
    cluster: string,
    node: string,
    options?: { signal?: AbortSignal },
  ): Promise<'terminated' | 'killed' | 'gone'>;
  /** Starts a stopped node again; with `wipe` its state is removed first (a new, empty machine). */
  startNode(cluster: string, node: string, options?: StartNodeRequest): Promise<number>;
}

export function processProvisioner(options: ProcessProvisionerOptions): ProcessProvisioner {
  const root = resolve(options.stateRoot);
  const program = options.program ?? defaultNodeProgram(options.env);
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const nodeOps = {
    root,
    stopTimeoutMs,
    ...(options.nodeBinary !== undefined ? { nodeBinary: options.nodeBinary } : {}),
    ...(options.env ? { env: options.env } : {}),
  };
  const show = async (name: string): Promise<ClusterInfo> => clusterInfo(await requireRecord(root, name), root);
  return {
    name: provisionerName,
    create: (request) => createCluster(request, { ...options, root, program, stopTimeoutMs }),
    show,
    list: async () => Promise.all((await listClusterNames(root)).map(show)),
    destroy: async (name, opts = {}) =>
      destroyRecordedCluster(await requireRecord(root, name), {
        dir: clusterDir(root, name),
        stopTimeoutMs,
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    stopNode: (cluster, node, opts = {}) =>
      stopClusterNode(cluster, node, { ...nodeOps, ...(opts.signal ? { signal: opts.signal } : {}) }),
    startNode: (cluster, node, opts = {}) => startClusterNode(cluster, node, { ...nodeOps, ...opts }),
  };
}

interface CreateContext extends ProcessProvisionerOptions {
  root: string;
  program: string;
  stopTimeoutMs: number;
}

async function createCluster(request: ClusterRequest, ctx: CreateContext): Promise<ClusterInfo> {
  checkClusterShape(request);
  checkNodeProgram(ctx.program);
  const progress: Progress = request.progress ?? (() => undefined);
  const dir = clusterDir(ctx.root, request.name);
  if ((await readClusterRecord(dir)) !== undefined) {
    throw new ProvisionError(
      ProvisionErrorCode.exists,
      `cluster ${request.name} already exists in ${dir}: destroy it first with "osctl cluster destroy --name ${request.name}", or pick another --name`,
    );
  }
  await clearFailedCreate(dir);
  await ensureDir(dir);
  const subnet = await allocateSubnet(request.controlPlanes + request.workers, {
    clusterDir: dir,
    ...(request.signal ? { signal: request.signal } : {}),
  }).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  let record: ClusterRecord | undefined;
  try {
    const planned = planNodes(request, subnet.addresses);
    for (const node of planned) checkStateDirLength(nodeStateDir(dir, node));
    progress(`generating secrets and configs for ${planned.length} nodes on ${subnet.cidr}`);
    const configs = await clusterConfigs(request, planned);
    record = {
      name: request.name,
      provisioner: provisionerName,
      createdAt: new Date().toISOString(),
      subnet: subnet.cidr,
      kubernetesEndpoint: configs.kubernetesEndpoint,
      program: ctx.program,
      nodes: planned.map((n) => ({
        ...n,
        stateDir: nodeStateDir(dir, n),
        configPath: nodeConfigPath(dir, n.name),
        logPath: nodeLogPath(dir, n.name),
      })),
    };
    await writeClusterFiles(dir, request.name, configs, record);
    await startNodes(record, dir, { ...ctx, progress, ...(request.signal ? { signal: request.signal } : {}) });
    await waitForNodes(record, {
      tls: tlsOf(configs),
      program: ctx.program,
      deadline: Date.now() + (request.waitTimeoutMs ?? DefaultWaitTimeoutMs),
      progress,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (request.talosconfig !== undefined) {
      const merged = await mergeClusterContext(resolve(request.talosconfig), request.name, configs.context);
      record = { ...record, talosconfig: merged };
      await writeClusterRecord(dir, record);
    }
    return await clusterInfo(record, ctx.root);
  } catch (err) {
    await undoCreate(record, { dir, ctx, progress, subnetIndex: subnet.index });
    if (request.signal?.aborted === true) throw request.signal.reason;
    throw err;
  }
}

async function writeClusterFiles(
  dir: string,
  name: string,
  configs: ClusterConfigs,
  record: ClusterRecord,
): Promise<void> {
  await writeFilesAtomic(
    [
      { path: join(dir, 'secrets.yaml'), data: serializeSecretsBundle(configs.secrets), mode: 0o600 },
      {
        path: join(dir, 'talosconfig'),
        data: serializeClientConfig({ context: name, contexts: { [name]: configs.context } }),
        mode: 0o600,
      },
      ...record.nodes.map((n) => ({ path: n.configPath, data: configs.machineConfigs.get(n.name) ?? '', mode: 0o600 })),
    ],
    { force: true },
  );
  await ensureDir(join(dir, 'logs'));
  for (const node of record.nodes) await mkdir(node.stateDir, { recursive: true, mode: 0o700 });
  await writeClusterRecord(dir, record);
}

async function startNodes(
  record: ClusterRecord,
  dir: string,
  ctx: CreateContext & { progress: Progress; signal?: AbortSignal },
): Promise<void> {
  const { progress } = ctx;
  for (const node of record.nodes) {
    ctx.signal?.throwIfAborted();
    await writeFile(node.logPath, '', { mode: 0o600, flag: 'a' });
    try {
      node.pid = await startNodeProcess({
        nodeBinary: ctx.nodeBinary ?? process.execPath,
        program: ctx.program,
        stateDir: node.stateDir,
        address: node.address,
        configPath: node.configPath,
        logPath: node.logPath,
        ...(ctx.env ? { env: ctx.env } : {}),
      });
    } catch (err) {
      throw new ProvisionError(
        ProvisionErrorCode.nodeFailed,
        `node ${node.name} (${node.address}) did not start; its log: ${node.logPath}`,
        {
          cause: err,
        },
      );
    }
    await writeClusterRecord(dir, record);
    progress(`started ${node.name} (${node.role}) on ${node.address}, pid ${node.pid}, log ${node.logPath}`);
  }
}

/** After a failed create: stop what started, remove everything but the logs (the error names them). */
async function undoCreate(
  record: ClusterRecord | undefined,
  options: { dir: string; ctx: CreateContext; progress: Progress; subnetIndex: number },
): Promise<void> {
  const { dir } = options;
  if (record !== undefined) {
    options.progress(
      `create failed: stopping the ${record.nodes.filter((n) => n.pid !== undefined).length} started nodes`,
    );
    await stopRecordedNodes(record, { timeoutMs: Math.min(options.ctx.stopTimeoutMs, 3000) });
  }
  const keep = new Set(['logs']);
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => !keep.has(e)).map((e) => rm(join(dir, e), { recursive: true, force: true })));
  await releaseSubnet(options.subnetIndex, dir);
}

/**
 * Removes what a failed create kept (only `logs/` with node logs in it); any other directory at
 * that path is not ours, and create refuses rather than delete it.
 */
async function clearFailedCreate(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => undefined);
  if (entries === undefined) return;
  const logs = entries.length === 1 && entries[0] === 'logs' ? await readdir(join(dir, 'logs')) : [];
  const ours = entries.length === 0 || (entries[0] === 'logs' && logs.every((f) => f.endsWith('.log')));
  if (!ours || entries.length > 1) {
    throw new ProvisionError(
      ProvisionErrorCode.exists,
      `${dir} exists and is not a cluster of this provisioner: pick another --name or --state`,
    );
  }
  await rm(dir, { recursive: true, force: true });
}

function tlsOf(configs: ClusterConfigs): { ca: string; cert: string; key: string } {
  const pem = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');
  return { ca: pem(configs.context.ca), cert: pem(configs.context.crt), key: pem(configs.context.key) };
}

async function requireRecord(root: string, name: string): Promise<ClusterRecord> {
  const record = await readClusterRecord(clusterDir(root, name));
  if (record !== undefined) return record;
  const known = await listClusterNames(root);
  throw new ProvisionError(
    ProvisionErrorCode.notFound,
    `no cluster ${name} in ${root} (clusters there: ${known.length > 0 ? known.join(', ') : 'none'}): pass --name, or --state for another state directory`,
  );
}

async function clusterInfo(record: ClusterRecord, root: string): Promise<ClusterInfo> {
  const nodes = await Promise.all(
    record.nodes.map(async (n: NodeRecord) => ({
      name: n.name,
      role: n.role,
      address: n.address,
      pid: n.pid,
      state:
        n.pid !== undefined && (await isOurMachined(n.pid, n.stateDir, record.program))
          ? NodeState.running
          : NodeState.stopped,
      stateDir: n.stateDir,
      logPath: n.logPath,
    })),
  );
  return clusterInfoOf(record, clusterDir(root, record.name), nodes);
}
