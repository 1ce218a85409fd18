// Bootstrap: this node starts a new single-member etcd cluster, once, on exactly one control-plane
// node (`osctl bootstrap`). Refused when an etcd already runs here or when the data directory holds
// data (a restart uses that data; a new cluster over it would fork or destroy it). With a snapshot,
// the data directory is first restored from it (the `--recover-from` path).
import type { Logger } from '../log/logger.ts';
import { hasEtcdData } from './etcd-data.ts';
import { EtcdError } from './etcd-error.ts';
import { restoreSnapshot, type RestoreOptions } from './etcd-snapshot.ts';
import type { EtcdLaunch } from './etcd-spec.ts';

export interface BootstrapOptions {
  name: string;
  peerUrl: string;
  dataDir: string;
  /** Whether an etcd member answers on this node already (Status on the local client URL). */
  running: (signal: AbortSignal) => Promise<boolean>;
  /** Starts etcd with this launch (machined: the etcd service); resolves once it runs. */
  start: (launch: EtcdLaunch, signal: AbortSignal) => Promise<void>;
  /** Restore this snapshot into the data directory first (EtcdRecover's upload). */
  recoverFrom?: Pick<RestoreOptions, 'snapshot' | 'etcdctl' | 'skipHashCheck'>;
  logger: Logger;
  signal: AbortSignal;
}

/** Creates the single-member cluster; returns the launch it started etcd with. */
export async function bootstrap(options: BootstrapOptions): Promise<EtcdLaunch> {
  const { name, peerUrl, dataDir, signal } = options;
  if (await options.running(signal)) {
    throw new EtcdError(
      'already-bootstrapped',
      `etcd is already running on ${name} (${peerUrl}): the cluster is bootstrapped; bootstrap runs once per cluster`,
    );
  }
  if (await hasEtcdData(dataDir)) {
    throw new EtcdError(
      'data-exists',
      `etcd data directory ${dataDir} is not empty: this node was a member before and etcd restarts from its data; reset the node to bootstrap a new cluster`,
    );
  }
  const launch: EtcdLaunch = { state: 'new', initialCluster: [{ name, peerUrl }] };
  if (options.recoverFrom !== undefined) {
    options.logger.info('restoring etcd data from a snapshot', { snapshot: options.recoverFrom.snapshot, dataDir });
    await restoreSnapshot({ ...options.recoverFrom, dataDir, name, peerUrl, signal });
  }
  options.logger.info('bootstrapping a new etcd cluster', { name, peerUrl });
  await options.start(launch, signal);
  return launch;
}
