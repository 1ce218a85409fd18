// Engine calls for containers: create (the node shape: privileged, read-only root, tmpfs, volumes,
// ulimits, a fixed address on a network, labels), start, stop, kill, inspect, logs, remove.
import { demultiplex } from './log-stream.ts';
import { engineJson, engineRequest } from './engine-http.ts';
import { gone } from './engine-resources.ts';
import { hasAllLabels, labelFilters, type Labels } from './label-filter.ts';
import { clampUlimits, NodeUlimits, readHardLimits, type Ulimit } from './ulimits.ts';

interface Opts {
  signal?: AbortSignal;
}
const sig = (o: Opts | undefined) => (o?.signal ? { signal: o.signal } : {});
const path = (id: string, what = '') => `/containers/${encodeURIComponent(id)}${what}`;

export interface ContainerSpec {
  name: string;
  image: string;
  cmd?: string[];
  env?: Record<string, string>;
  labels?: Labels;
  hostname?: string;
  privileged?: boolean;
  readOnlyRoot?: boolean;
  /** Mount point -> tmpfs options, e.g. `{'/run': 'rw,mode=755'}`. */
  tmpfs?: Record<string, string>;
  /** Named volumes: volume name -> mount point. */
  volumes?: Record<string, string>;
  ulimits?: readonly Ulimit[];
  /** Network name and the container's fixed IPv4 address on it. */
  network?: { name: string; ipv4: string };
  /** Container port (`50000/tcp`) -> a port on 127.0.0.1. */
  publish?: Record<string, number>;
  nanoCpus?: number;
  memoryBytes?: number;
  stopSignal?: string;
}

export function containerBody(spec: ContainerSpec): Record<string, unknown> {
  const publish = Object.entries(spec.publish ?? {});
  return {
    Image: spec.image,
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: spec.labels ?? {},
    ...(spec.hostname ? { Hostname: spec.hostname } : {}),
    ...(spec.stopSignal ? { StopSignal: spec.stopSignal } : {}),
    ExposedPorts: Object.fromEntries(publish.map(([p]) => [p, {}])),
    HostConfig: {
      Privileged: spec.privileged ?? false,
      ReadonlyRootfs: spec.readOnlyRoot ?? false,
      Tmpfs: spec.tmpfs ?? {},
      Mounts: Object.entries(spec.volumes ?? {}).map(([Source, Target]) => ({ Type: 'volume', Source, Target })),
      Ulimits: spec.ulimits ?? [],
      PortBindings: Object.fromEntries(
        publish.map(([p, host]) => [p, [{ HostIp: '127.0.0.1', HostPort: String(host) }]]),
      ),
      ...(spec.network ? { NetworkMode: spec.network.name } : {}),
      ...(spec.nanoCpus ? { NanoCpus: spec.nanoCpus } : {}),
      ...(spec.memoryBytes ? { Memory: spec.memoryBytes } : {}),
    },
    ...(spec.network
      ? {
          NetworkingConfig: {
            EndpointsConfig: { [spec.network.name]: { IPAMConfig: { IPv4Address: spec.network.ipv4 } } },
          },
        }
      : {}),
  };
}

/**
 * Creates the container. Without `ulimits` it sends the node defaults lowered to the host's hard
 * limits: Podman otherwise asks runc for nofile 1048576, which fails without CAP_SYS_RESOURCE.
 */
export async function createContainer(sock: string, spec: ContainerSpec, o?: Opts): Promise<string> {
  if (spec.ulimits === undefined) spec = { ...spec, ulimits: clampUlimits(NodeUlimits, readHardLimits()) };
  const reply = await engineJson<{ Id: string }>(sock, {
    method: 'POST',
    path: '/containers/create',
    query: { name: spec.name },
    json: containerBody(spec),
    ...sig(o),
  });
  return reply.Id;
}

export async function startContainer(sock: string, id: string, o?: Opts): Promise<void> {
  await engineRequest(sock, { method: 'POST', path: path(id, '/start'), ...sig(o) });
}

/** Stops with SIGTERM (or the StopSignal), then SIGKILL after `timeoutS` seconds. */
export async function stopContainer(sock: string, id: string, o?: Opts & { timeoutS?: number }): Promise<void> {
  const t = o?.timeoutS ?? 10;
  // 304 (already stopped) is not an error.
  await engineRequest(sock, {
    method: 'POST',
    path: path(id, '/stop'),
    query: { t },
    timeoutMs: (t + 30) * 1000,
    ...sig(o),
  });
}

/** Sends a signal (default SIGKILL) to the container's main process. */
export async function killContainer(sock: string, id: string, o?: Opts & { killSignal?: string }): Promise<void> {
  await engineRequest(sock, {
    method: 'POST',
    path: path(id, '/kill'),
    query: { signal: o?.killSignal ?? 'KILL' },
    ...sig(o),
  });
}

export interface ContainerInfo {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; Pid: number; ExitCode: number; Error?: string };
  Config: { Labels: Labels | null; Image: string; Env: string[] | null };
  HostConfig: { Ulimits: Ulimit[] | null; ReadonlyRootfs: boolean; Privileged: boolean };
  /** The storage driver's directories on the host (overlay: MergedDir, UpperDir, WorkDir). */
  GraphDriver?: { Name: string; Data: Record<string, string> | null };
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string }> | null;
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
}

export const inspectContainer = (sock: string, id: string, o?: Opts) =>
  engineJson<ContainerInfo>(sock, { method: 'GET', path: path(id, '/json'), ...sig(o) });

export interface ContainerSummary {
  Id: string;
  Names: string[];
  State: string;
  Labels: Labels | null;
}

/** Every container (running or not) with all these labels. */
export async function listContainers(sock: string, labels: Labels, o?: Opts): Promise<ContainerSummary[]> {
  const reply = await engineJson<ContainerSummary[]>(sock, {
    method: 'GET',
    path: '/containers/json',
    query: { all: true, filters: labelFilters(labels) },
    ...sig(o),
  });
  return reply.filter((c) => hasAllLabels(c.Labels, labels));
}

/** The container's stdout and stderr so far (`tail` lines, default all). */
export async function containerLogs(
  sock: string,
  id: string,
  o?: Opts & { tail?: number },
): Promise<{ stdout: string; stderr: string }> {
  const res = await engineRequest(sock, {
    method: 'GET',
    path: path(id, '/logs'),
    query: { stdout: true, stderr: true, tail: o?.tail === undefined ? 'all' : o.tail },
    ...sig(o),
  });
  return demultiplex(res.body);
}

/** Removes the container and its anonymous volumes; false when it was not there. */
export async function removeContainer(sock: string, id: string, o?: Opts & { force?: boolean }): Promise<boolean> {
  return gone(
    engineRequest(sock, { method: 'DELETE', path: path(id), query: { v: true, force: o?.force ?? false }, ...sig(o) }),
  );
}
