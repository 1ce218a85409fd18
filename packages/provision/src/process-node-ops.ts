// One node of a process cluster at a time: stop it, start it again, or start it as a new machine
// with an empty state (what a replaced disk looks like). The record keeps the new pid, so show and
// destroy see the node as it is now.
import { mkdir, rm } from 'node:fs/promises';
import {
  clusterDir,
  readClusterRecord,
  writeClusterRecord,
  type ClusterRecord,
  type NodeRecord,
} from './cluster-record.ts';
import { nodeProcesses, startNodeProcess, stopNode } from './node-process.ts';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';

export interface NodeOpsOptions {
  root: string;
  stopTimeoutMs: number;
  nodeBinary?: string;
  env?: NodeJS.ProcessEnv;
}

export interface StartNodeRequest {
  /** Remove the node's state (STATE, EPHEMERAL, etcd data) before it starts: a fresh machine. */
  wipe?: boolean;
}

/** Stops one node (SIGTERM, then SIGKILL after the stop timeout); its state stays. */
export async function stopClusterNode(
  cluster: string,
  node: string,
  options: NodeOpsOptions & { signal?: AbortSignal },
): Promise<'terminated' | 'killed' | 'gone'> {
  const { record, entry } = await findNode(options.root, cluster, node);
  return stopNode(entry.pid, {
    stateDir: entry.stateDir,
    program: record.program,
    timeoutMs: options.stopTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Starts one stopped node again with its config, recording its new pid; refuses a running node. */
export async function startClusterNode(
  cluster: string,
  node: string,
  options: NodeOpsOptions & StartNodeRequest,
): Promise<number> {
  const { record, entry } = await findNode(options.root, cluster, node);
  const running = await nodeProcesses(entry.stateDir);
  if (running.length > 0) {
    throw new ProvisionError(
      ProvisionErrorCode.exists,
      `node ${node} of cluster ${cluster} is running (pids ${running.join(', ')}): stop it first`,
    );
  }
  if (options.wipe === true) await rm(entry.stateDir, { recursive: true, force: true });
  await mkdir(entry.stateDir, { recursive: true, mode: 0o700 });
  entry.pid = await startNodeProcess({
    nodeBinary: options.nodeBinary ?? process.execPath,
    program: record.program,
    stateDir: entry.stateDir,
    address: entry.address,
    configPath: entry.configPath,
    logPath: entry.logPath,
    ...(options.env ? { env: options.env } : {}),
  });
  await writeClusterRecord(clusterDir(options.root, cluster), record);
  return entry.pid;
}

async function findNode(
  root: string,
  cluster: string,
  node: string,
): Promise<{ record: ClusterRecord; entry: NodeRecord }> {
  const dir = clusterDir(root, cluster);
  const record = await readClusterRecord(dir);
  if (record === undefined) {
    throw new ProvisionError(ProvisionErrorCode.notFound, `no cluster ${cluster} in ${root}: check --name and --state`);
  }
  const entry = record.nodes.find((n) => n.name === node || n.address === node);
  if (entry === undefined) {
    throw new ProvisionError(
      ProvisionErrorCode.notFound,
      `cluster ${cluster} has no node ${node} (nodes: ${record.nodes.map((n) => n.name).join(', ')})`,
    );
  }
  return { record, entry };
}
