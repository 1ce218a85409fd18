// The steps of a docker create after the configs exist: files on disk, the network, volumes and
// containers in the engine (each recorded as it is made), then waiting for every node's apid.
import { join } from 'node:path';
import { serializeClientConfig, serializeSecretsBundle, writeFilesAtomic } from '@bronze/machinery';
import type { ClusterConfigs } from '../node-configs.ts';
import { ProvisionError, ProvisionErrorCode } from '../provision-error.ts';
import type { ClusterRequest, Progress } from '../provisioner.ts';
import { DefaultWaitTimeoutMs } from '../process-provisioner.ts';
import { ApidPort, waitForApi } from '../wait-api.ts';
import { waitForPort } from './port-open.ts';
import { writeDockerRecord, type DockerClusterRecord } from './docker-record.ts';
import type { DockerCreateContext } from './docker-options.ts';
import type { EngineClient } from './engine-client.ts';
import { clusterLabels, nodeLabels, nodeVolumes } from './labels.ts';
import { nodeContainerSpec } from './node-container.ts';
import { readHardLimits } from './ulimits.ts';

export async function writeDockerClusterFiles(
  dir: string,
  configs: ClusterConfigs,
  record: DockerClusterRecord,
): Promise<void> {
  const name = record.name;
  await writeFilesAtomic(
    [
      { path: join(dir, 'secrets.yaml'), data: serializeSecretsBundle(configs.secrets), mode: 0o600 },
      {
        path: join(dir, 'talosconfig'),
        data: serializeClientConfig({
          context: name,
          contexts: { [name]: { ...configs.context, endpoints: [`127.0.0.1:${record.apiPort}`] } },
        }),
        mode: 0o600,
      },
      ...record.nodes.map((n) => ({
        path: join(dir, 'configs', `${n.name}.yaml`),
        data: configs.machineConfigs.get(n.name) ?? '',
        mode: 0o600,
      })),
    ],
    { force: true },
  );
  await writeDockerRecord(dir, record);
}

interface StartContext extends DockerCreateContext {
  dir: string;
  gateway: string;
  configs: ClusterConfigs;
  progress: Progress;
  request: ClusterRequest;
}

export async function startNodeContainers(record: DockerClusterRecord, ctx: StartContext): Promise<void> {
  const { engine, progress, request } = ctx;
  const sig = request.signal ? { signal: request.signal } : {};
  await engine.createNetwork(
    { name: record.network, subnet: record.subnet, gateway: ctx.gateway, labels: clusterLabels(record.name) },
    sig,
  );
  progress(`created network ${record.network} (${record.subnet})`);
  const hardLimits = readHardLimits();
  for (const [i, node] of record.nodes.entries()) {
    request.signal?.throwIfAborted();
    for (const volume of Object.keys(nodeVolumes(node.name)))
      await engine.createVolume({ name: volume, labels: nodeLabels(record.name, node) }, sig);
    const spec = nodeContainerSpec({
      cluster: record.name,
      node,
      image: record.image,
      network: record.network,
      config: ctx.configs.machineConfigs.get(node.name) ?? '',
      hardLimits,
      ...(i === 0 ? { apiPort: record.apiPort } : {}),
      ...(ctx.cpus === undefined ? {} : { nanoCpus: Math.round(ctx.cpus * 1e9) }),
      ...(ctx.memoryBytes === undefined ? {} : { memoryBytes: ctx.memoryBytes }),
    });
    node.container = await engine.createContainer(spec, sig);
    await writeDockerRecord(ctx.dir, record);
    await engine.startContainer(node.container, sig);
    const published = i === 0 ? `, machine API on 127.0.0.1:${record.apiPort}` : '';
    progress(`started ${node.name} (${node.role}) on ${node.address}${published}`);
  }
}

export async function waitForNodeContainers(
  record: DockerClusterRecord,
  ctx: { engine: EngineClient; configs: ClusterConfigs; progress: Progress; request: ClusterRequest },
): Promise<void> {
  const pem = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');
  const tls = {
    ca: pem(ctx.configs.context.ca),
    cert: pem(ctx.configs.context.crt),
    key: pem(ctx.configs.context.key),
  };
  const deadline = Date.now() + (ctx.request.waitTimeoutMs ?? DefaultWaitTimeoutMs);
  for (const node of record.nodes) {
    let said = 0;
    const onWaiting = (reason: string, ms: number): void => {
      if (said !== 0 && ms - said < 5000) return;
      said = ms || 1;
      ctx.progress(`waiting for apid on ${node.name} (${node.address}:50000): ${reason}`);
    };
    const fatal = () => exitedReason(ctx.engine, node.container ?? node.name);
    const signal = ctx.request.signal ? { signal: ctx.request.signal } : {};
    const closed = await waitForPort(node.address, ApidPort, { deadline, fatal, onWaiting, ...signal });
    const result =
      closed !== undefined
        ? ({ ok: false, reason: closed } as const)
        : await waitForApi(node.address, { tls, deadline, fatal, onWaiting, ...signal });
    if (!result.ok) {
      const tail = await logTail(ctx.engine, node.container ?? node.name);
      throw new ProvisionError(
        ProvisionErrorCode.nodeFailed,
        `node ${node.name} (${node.address}) did not become ready: ${result.reason}; its last log lines:\n${tail}`,
      );
    }
    ctx.progress(`${node.name}: apid answers (${result.tag}, ${result.ms} ms)`);
  }
}

async function exitedReason(engine: EngineClient, id: string): Promise<string | undefined> {
  const info = await engine.inspectContainer(id).catch(() => undefined);
  if (info === undefined) return `container ${id} is gone`;
  if (info.State.Running) return undefined;
  return `container ${id.slice(0, 12)} exited with code ${info.State.ExitCode}${info.State.Error ? `: ${info.State.Error}` : ''}`;
}

async function logTail(engine: EngineClient, id: string): Promise<string> {
  try {
    const logs = await engine.containerLogs(id, { tail: 20 });
    return (logs.stdout + logs.stderr).trimEnd() || '(no output)';
  } catch (err) {
    return `(cannot read its log: ${err instanceof Error ? err.message : String(err)})`;
  }
}
