// Destroying a process cluster: stop every recorded node (SIGTERM to machined when the pid is still
// ours, SIGKILL to whatever of the node remains after the timeout), then remove its talosconfig
// context, its directory and its address reservation, and check that no process of it is left.
import { rm } from 'node:fs/promises';
import { loadClientConfig } from '@bronze/machinery';
import type { ClusterRecord } from './cluster-record.ts';
import { releaseSubnet } from './loopback-subnet.ts';
import { nodeProcesses, stopNode } from './node-process.ts';
import type { DestroyResult, Progress } from './provisioner.ts';
import { removeClusterContext } from './talosconfig-context.ts';
import { join } from 'node:path';

export async function stopRecordedNodes(
  record: ClusterRecord,
  options: { timeoutMs: number; progress?: Progress; signal?: AbortSignal },
): Promise<DestroyResult['stopped']> {
  const stopped: DestroyResult['stopped'] = [];
  await Promise.all(
    record.nodes.map(async (node) => {
      const how = await stopNode(node.pid, {
        stateDir: node.stateDir,
        program: record.program,
        timeoutMs: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (node.pid !== undefined && how !== 'gone') stopped.push({ node: node.name, pid: node.pid, how });
      options.progress?.(
        how === 'gone'
          ? `${node.name}: not running`
          : `${node.name}: stopped pid ${node.pid ?? '?'} (${how === 'killed' ? 'killed after the timeout' : 'terminated'})`,
      );
    }),
  );
  return stopped;
}

export async function destroyRecordedCluster(
  record: ClusterRecord,
  options: { dir: string; stopTimeoutMs: number; progress?: Progress; signal?: AbortSignal },
): Promise<DestroyResult> {
  const stopped = await stopRecordedNodes(record, { timeoutMs: options.stopTimeoutMs, ...pick(options) });
  const leftovers: string[] = [];
  if (record.talosconfig !== undefined) {
    const ca = await clusterCa(options.dir);
    try {
      options.progress?.(await removeClusterContext(record.talosconfig, ca));
    } catch (err) {
      leftovers.push(`context ${record.talosconfig.context} in ${record.talosconfig.path}: ${String(err)}`);
    }
  }
  for (const node of record.nodes) {
    const left = await nodeProcesses(node.stateDir);
    if (left.length > 0) leftovers.push(`${node.name}: processes ${left.join(', ')} still run`);
  }
  await rm(options.dir, { recursive: true, force: true });
  const index = /^127\.0\.(\d+)\.0\/24$/.exec(record.subnet)?.[1];
  if (index !== undefined) await releaseSubnet(Number(index), options.dir);
  options.progress?.(`removed ${options.dir}`);
  return { stopped, leftovers };
}

function pick(options: { progress?: Progress; signal?: AbortSignal }): { progress?: Progress; signal?: AbortSignal } {
  return {
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

async function clusterCa(dir: string): Promise<string | undefined> {
  try {
    const own = await loadClientConfig(join(dir, 'talosconfig'));
    return Object.values(own.contexts)[0]?.ca;
  } catch {
    return undefined;
  }
}
