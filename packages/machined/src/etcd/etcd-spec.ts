// The etcd service: the command line of the upstream etcd for one member, and the supervisor spec
// that runs it with a health check (Status on the local member). Which cluster to form or join
// (`EtcdLaunch`) is decided before the start by bootstrap, join or an existing data directory.
import { dirname } from 'node:path';
import { processRunner } from '../services/process-runner.ts';
import type { BackoffSettings } from '../services/backoff.ts';
import type { HealthSettings } from '../services/health.ts';
import type { Runner } from '../services/runner.ts';
import type { ServiceSpec } from '../services/service.ts';
import type { EtcdClient } from './etcd-client.ts';
import { etcdPkiFiles } from './etcd-paths.ts';

export const EtcdClientPort = 2379;
export const EtcdPeerPort = 2380;
/** etcd's backend quota: 2 GiB, etcd's recommended default, stated explicitly. */
export const DefaultQuotaBackendBytes = 2 * 1024 ** 3;

export interface EtcdClusterMember {
  name: string;
  peerUrl: string;
}

/** How etcd starts: a new cluster of the listed members, or an existing cluster this member joins. */
export interface EtcdLaunch {
  state: 'new' | 'existing';
  initialCluster: readonly EtcdClusterMember[];
}

/** A member whose data directory holds data restarts from it: etcd ignores the initial cluster. */
export const RestartFromData: EtcdLaunch = { state: 'existing', initialCluster: [] };

export interface EtcdCommandOptions {
  /** The etcd binary (DefaultEtcdPath). */
  binary: string;
  /** The member name: the node's hostname. */
  name: string;
  /** The node address etcd listens on and advertises. */
  address: string;
  dataDir: string;
  pkiDir: string;
  launch: EtcdLaunch;
  /**
   * Also listen for clients on https://127.0.0.1:2379 (container and metal). False on the process
   * platform: several nodes share the host's loopback there, so each listens on its own address only.
   */
  listenLocalhost: boolean;
  quotaBackendBytes?: number;
  /** cluster.etcd.extraArgs: `--key=value` flags that override or add to the defaults. */
  extraArgs?: Readonly<Record<string, string>>;
}

/** What a process supervisor runs. */
export interface CommandDescription {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** `https://ADDRESS:PORT`, with brackets for IPv6. */
export function etcdUrl(address: string, port: number): string {
  return `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

export function peerUrlOf(address: string): string {
  return etcdUrl(address, EtcdPeerPort);
}

export function clientUrlOf(address: string): string {
  return etcdUrl(address, EtcdClientPort);
}

/** The initial-cluster flag value: `a=https://10.0.0.1:2380,b=https://10.0.0.2:2380`. */
export function initialClusterFlag(members: readonly EtcdClusterMember[]): string {
  return members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
}

export function etcdCommand(options: EtcdCommandOptions): CommandDescription {
  const pki = etcdPkiFiles(options.pkiDir);
  const clientUrl = clientUrlOf(options.address);
  const peerUrl = peerUrlOf(options.address);
  const listenClient = options.listenLocalhost ? `${clientUrl},${etcdUrl('127.0.0.1', EtcdClientPort)}` : clientUrl;
  const flags: Record<string, string> = {
    name: options.name,
    'data-dir': options.dataDir,
    'listen-peer-urls': peerUrl,
    'listen-client-urls': listenClient,
    'advertise-client-urls': clientUrl,
    'initial-advertise-peer-urls': peerUrl,
    'initial-cluster': initialClusterFlag(options.launch.initialCluster),
    'initial-cluster-state': options.launch.state,
    'auto-compaction-mode': 'periodic',
    'auto-compaction-retention': '5m',
    'quota-backend-bytes': String(options.quotaBackendBytes ?? DefaultQuotaBackendBytes),
    'cert-file': pki.serverCert,
    'key-file': pki.serverKey,
    'trusted-ca-file': pki.ca,
    'client-cert-auth': 'true',
    'peer-cert-file': pki.peerCert,
    'peer-key-file': pki.peerKey,
    'peer-trusted-ca-file': pki.ca,
    'peer-client-cert-auth': 'true',
    'experimental-initial-corrupt-check': 'true',
    logger: 'zap',
    'log-outputs': 'stderr',
    ...options.extraArgs,
  };
  return {
    command: options.binary,
    args: Object.entries(flags).map(([k, v]) => `--${k}=${v}`),
    env: {},
    cwd: dirname(options.dataDir),
  };
}

/** Talos's etcd health settings: 5 s initial delay, 20 s period, 15 s timeout. */
export const EtcdHealthSettings = { initialDelayMs: 5000, periodMs: 20_000, timeoutMs: 15_000 };

/** Healthy when the local member answers Status, knows a leader and reports no errors. */
export function etcdHealthCheck(client: () => EtcdClient): (signal: AbortSignal) => Promise<void> {
  return async (signal) => {
    const s = await client().status({ signal });
    if (s.errors.length > 0) throw new Error(`etcd reports errors: ${s.errors.join('; ')}`);
    if (s.leader === 0n) throw new Error('etcd has no leader: is a quorum of members running?');
  };
}

export interface EtcdServiceOptions {
  /**
   * The command, or a function read at each start: the launch (new, existing, restored) is known
   * only once `prepare` has run.
   */
  command: CommandDescription | (() => CommandDescription);
  /** machined's client of the local member (the admin certificate). */
  client: () => EtcdClient;
  /** Issue the PKI, create directories, decide the launch: run before each start. */
  prepare?: (signal: AbortSignal) => Promise<void>;
  dependsOn?: readonly string[];
  /** Overrides of EtcdHealthSettings (tests use short periods). */
  health?: Partial<HealthSettings>;
  backoff?: Partial<BackoffSettings>;
}

/** The supervisor's spec of the etcd service: restarted always, killed 30 s after SIGTERM. */
export function etcdServiceSpec(options: EtcdServiceOptions): ServiceSpec {
  const describe = (): CommandDescription =>
    typeof options.command === 'function' ? options.command() : options.command;
  const runner: Runner = {
    description: `process ${typeof options.command === 'function' ? 'etcd' : options.command.command}`,
    run: (ctx) => {
      const { command, args, env, cwd } = describe();
      return processRunner({ command, args, env, cwd, killTimeoutMs: 30_000 }).run(ctx);
    },
  };
  return {
    id: 'etcd',
    runner,
    health: { check: etcdHealthCheck(options.client), settings: { ...EtcdHealthSettings, ...options.health } },
    restart: 'always',
    ...(options.prepare ? { prepare: options.prepare } : {}),
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  };
}
