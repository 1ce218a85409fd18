// npm run cluster (and scripts/dev cluster): brings up a local Bronze cluster and says how to use
// it. By default a docker cluster: the container engine is made to answer (Podman's service on
// /run/bronze/podman.sock when there is no Docker and no DOCKER_HOST), the node image is built (from
// the imager's cache when nothing changed) and loaded when the engine lacks it, then one control
// plane and one worker run as node containers. `--provisioner process` runs the nodes as host
// processes instead (no engine, no image). Arguments: [--name NAME] [--controlplanes N]
// [--workers N] [--provisioner docker|process]; an existing cluster of that name is shown (its
// stopped containers started) instead of created again.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatErrorChain, writeFileAtomic } from '@bronze/machinery';
import {
  bootstrapCluster,
  DockerSocket,
  dockerProvisioner,
  engineClient,
  ensurePodmanService,
  formatClusterSummary,
  isProvisionError,
  processProvisioner,
  resolveDockerHost,
  stateRoot,
  type ClusterInfo,
} from '@bronze/provision';
import { imageRef } from '@bronze/imager';
import { ensureNodeImage } from './node-image.ts';

const help = `usage: scripts/dev cluster [--name NAME] [--controlplanes N] [--workers N] [--provisioner docker|process]

Starts a local cluster (default bronze-default: 1 control plane, 1 worker) and prints how to use it.
docker (the default): node containers of the node image, which is built (cached) and loaded into the
engine ($DOCKER_HOST, /var/run/docker.sock, or Podman's service on /run/bronze/podman.sock, started
when nothing answers). process: each node a machined process on a loopback address.
An existing cluster of that name is shown (stopped containers started) and checked instead.
Destroy it with: npx osctl cluster destroy --name NAME
`;
function parse(): ReturnType<typeof parseOptions> {
  try {
    return parseOptions();
  } catch (err) {
    process.stderr.write(`cluster: ${err instanceof Error ? err.message : String(err)}\n\n${help}`);
    return process.exit(2);
  }
}
function parseOptions() {
  return parseArgs({
    options: {
      name: { type: 'string', default: 'bronze-default' },
      controlplanes: { type: 'string', default: '1' },
      workers: { type: 'string', default: '1' },
      provisioner: { type: 'string', default: 'docker' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}
const values = parse();
if (values.help === true) {
  process.stdout.write(help);
  process.exit(0);
}
const name = values.name;
const talosconfig = process.env['TALOSCONFIG'] ?? join(homedir(), '.talos', 'config');
const say = (line: string): void => {
  process.stderr.write(`cluster: ${line}\n`);
};

/** An engine that answers (Podman's service started when there is no Docker and no DOCKER_HOST). */
async function engineSocket(): Promise<string> {
  const given = process.env['DOCKER_HOST'];
  const socketPath = resolveDockerHost();
  if ((given === undefined || given === '') && !existsSync(DockerSocket)) {
    const service = await ensurePodmanService({ socketPath });
    say(service.message);
    return service.socketPath;
  }
  if (
    (await engineClient(socketPath)
      .ping()
      .catch(() => '')) !== 'OK'
  )
    throw new Error(`no container engine answers on ${socketPath}: start Docker, or unset DOCKER_HOST`);
  return socketPath;
}

/** The current node image in the engine: built from the imager's cache, loaded when missing or older. */
async function nodeImage(socketPath: string): Promise<string> {
  const image = await ensureNodeImage({ socketPath, onProgress: say });
  say(`node image ${image.ref}: ${image.loaded} (${image.cached ? 'cached' : 'fresh'} build)`);
  return image.ref;
}

/** Starts the stopped node containers of an existing docker cluster (after a host restart, say). */
async function startStopped(info: ClusterInfo, socketPath: string): Promise<void> {
  const engine = engineClient(socketPath);
  for (const node of info.nodes.filter((n) => n.state === 'stopped')) {
    say(`starting the stopped container ${node.name}`);
    await engine.startContainer(node.name);
  }
}

function usage(info: ClusterInfo, docker: boolean, kubeconfig: string | undefined): string {
  const context = info.talosconfig?.context ?? name;
  const osctl = 'npx osctl';
  const first = info.nodes[0]?.address ?? '';
  const last = info.nodes.at(-1)?.address ?? '';
  const destroyed = docker
    ? 'stops and removes the containers, volumes and network'
    : 'stops every process, removes the state';
  return (
    `${formatClusterSummary(info)}\n` +
    (kubeconfig === undefined
      ? 'healthy: etcd is bootstrapped and osctl health passes (process nodes run no Kubernetes)\n\n'
      : 'healthy: etcd is bootstrapped, osctl health passes and every Kubernetes node is Ready\n' +
        `admin kubeconfig: ${kubeconfig} (or merge one into ~/.kube/config: ${osctl} --context ${context} kubeconfig -n ${first})\n\n`) +
    'use it:\n' +
    (kubeconfig === undefined
      ? ''
      : `  KUBECONFIG=${kubeconfig} .cache/components/kubectl-v1.34.10/kubectl get nodes   # kubectl: osctl image components build kubectl\n`) +
    `  ${osctl} --context ${context} version                  # every node, through the first control plane\n` +
    `  ${osctl} --context ${context} services -n ${last}\n` +
    `  ${osctl} --context ${context} logs machined -n ${first}\n` +
    `  ${osctl} --context ${context} -n ${first} etcd members\n` +
    `  ${osctl} --context ${context} health\n` +
    `  ${osctl} cluster show --name ${name}\n` +
    `  ${osctl} cluster destroy --name ${name}                # ${destroyed}\n`
  );
}

function count(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`--${flag} ${value} is not a whole number`);
  return Number(value);
}

try {
  const kind = values.provisioner;
  if (kind !== 'docker' && kind !== 'process')
    throw new Error(`--provisioner ${kind} is not known: give docker (the default) or process`);
  const docker = kind === 'docker';
  const controlPlanes = count('controlplanes', values.controlplanes);
  const workers = count('workers', values.workers);
  const socketPath = docker ? await engineSocket() : undefined;
  // The image is named up front but built only for a new cluster: showing one needs no image.
  const provisioner =
    socketPath === undefined
      ? processProvisioner({ stateRoot: stateRoot(undefined) })
      : dockerProvisioner({ stateRoot: stateRoot(undefined), socketPath, image: imageRef() });
  let existing = await provisioner.show(name).catch((err: unknown) => {
    if (isProvisionError(err, 'not-found')) return undefined;
    throw err;
  });
  if (existing !== undefined) {
    say(`cluster ${name} exists already; showing it (destroy it to start afresh)`);
    if (socketPath !== undefined && existing.nodes.some((n) => n.state === 'stopped')) {
      await startStopped(existing, socketPath);
      existing = await provisioner.show(name);
    }
  } else if (socketPath !== undefined) await nodeImage(socketPath);
  const info = existing ?? (await provisioner.create({ name, controlPlanes, workers, talosconfig, progress: say }));
  // Bootstrapping twice is harmless (an existing etcd is reported), so an existing cluster is checked too.
  const booted = await bootstrapCluster(info, { timeoutMs: 10 * 60_000, progress: say });
  const kubeconfig = join(info.dir, 'kubeconfig');
  if (booted.kubeconfig !== undefined) {
    await writeFileAtomic({ path: kubeconfig, data: booted.kubeconfig, mode: 0o600 }, { force: true });
  }
  process.stdout.write(usage(info, docker, booted.kubeconfig === undefined ? undefined : kubeconfig));
} catch (err) {
  say(`error: ${formatErrorChain(err)}`);
  process.exitCode = 1;
}
