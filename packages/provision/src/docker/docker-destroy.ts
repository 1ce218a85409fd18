// Destroying a docker cluster, found by label (so a half-created one goes too): each container is
// stopped gracefully (SIGTERM, SIGKILL after the timeout) and removed with its volumes, then the
// cluster's named volumes and network; then its talosconfig context and state directory.
import { rm } from 'node:fs/promises';
import { loadClientConfig } from '@bronze/machinery';
import type { DestroyResult, Progress } from '../provisioner.ts';
import { removeClusterContext } from '../talosconfig-context.ts';
import type { DockerClusterRecord } from './docker-record.ts';
import type { EngineClient } from './engine-client.ts';
import { clusterLabels } from './labels.ts';

export interface DockerDestroyOptions {
  engine: EngineClient;
  /** The cluster's state directory (removed). */
  dir: string;
  stopTimeoutS: number;
  progress?: Progress;
  signal?: AbortSignal;
}

/** Removes every engine object labelled with the cluster; returns the stopped containers. */
export async function removeClusterObjects(
  name: string,
  options: DockerDestroyOptions,
): Promise<DestroyResult['stopped']> {
  const { engine, progress } = options;
  const labels = clusterLabels(name);
  const sig = options.signal ? { signal: options.signal } : {};
  const stopped: DestroyResult['stopped'] = [];
  const containers = await engine.listContainers(labels, sig);
  await Promise.all(
    containers.map(async (c) => {
      const node = (c.Names[0] ?? c.Id).replace(/^\//, '');
      const before = await engine.inspectContainer(c.Id, sig).catch(() => undefined);
      if (before?.State.Running === true) {
        const started = Date.now();
        await engine.stopContainer(c.Id, { timeoutS: options.stopTimeoutS, ...sig });
        const after = await engine.inspectContainer(c.Id, sig).catch(() => undefined);
        const killed = after?.State.ExitCode === 137 || Date.now() - started >= options.stopTimeoutS * 1000;
        stopped.push({ node, pid: before.State.Pid, how: killed ? 'killed' : 'terminated' });
        progress?.(`${node}: stopped (${killed ? 'killed after the timeout' : 'terminated'})`);
      } else {
        progress?.(`${node}: not running`);
      }
      await engine.removeContainer(c.Id, { force: true, ...sig });
    }),
  );
  for (const v of await engine.listVolumes(labels, sig)) {
    await engine.removeVolume(v.Name, { force: true, ...sig });
    progress?.(`removed volume ${v.Name}`);
  }
  for (const n of await engine.listNetworks(labels, sig)) {
    await engine.removeNetwork(n.Id, sig);
    progress?.(`removed network ${n.Name}`);
  }
  return stopped;
}

/** What is still labelled with the cluster, said plainly (empty when nothing is left). */
export async function leftoversOf(name: string, engine: EngineClient): Promise<string[]> {
  const labels = clusterLabels(name);
  return [
    ...(await engine.listContainers(labels)).map((c) => `container ${c.Names[0] ?? c.Id}`),
    ...(await engine.listVolumes(labels)).map((v) => `volume ${v.Name}`),
    ...(await engine.listNetworks(labels)).map((n) => `network ${n.Name}`),
  ];
}

export async function destroyDockerCluster(
  name: string,
  record: DockerClusterRecord | undefined,
  options: DockerDestroyOptions,
): Promise<DestroyResult> {
  const stopped = await removeClusterObjects(name, options);
  const leftovers = await leftoversOf(name, options.engine);
  if (record?.talosconfig !== undefined) {
    const own = await loadClientConfig(`${options.dir}/talosconfig`, { allowMissing: true });
    const said = await removeClusterContext(record.talosconfig, own.contexts[name]?.ca);
    options.progress?.(said);
  }
  await rm(options.dir, { recursive: true, force: true });
  return { stopped, leftovers };
}
