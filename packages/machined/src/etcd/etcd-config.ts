// What etcd takes from the machine config: the etcd CA (cluster.etcd.ca, base64 of PEM as every
// config PEM field) and cluster.etcd.extraArgs as etcd flags.
import { base64ToPem, type ClusterConfig } from '@bronze/machinery';
import { EtcdError } from './etcd-error.ts';
import type { EtcdPemPair } from './etcd-pki.ts';

/** The etcd CA of the config as PEM; EtcdError `no-ca` (Bootstrap: InvalidArgument) without one. */
export function etcdCaFromConfig(cluster: ClusterConfig | undefined): EtcdPemPair {
  const ca = cluster?.etcd?.ca;
  if (ca?.crt === undefined || ca.key === undefined || ca.crt === '' || ca.key === '') {
    throw new EtcdError(
      'no-ca',
      'the machine config has no etcd CA (cluster.etcd.ca.crt and .key): etcd runs only on control-plane nodes with one; generate the config with `osctl gen config`',
    );
  }
  try {
    return { crt: base64ToPem(ca.crt, 'cluster.etcd.ca.crt'), key: base64ToPem(ca.key, 'cluster.etcd.ca.key') };
  } catch (err) {
    throw new EtcdError('no-ca', 'cannot read cluster.etcd.ca from the machine config', { cause: err });
  }
}

/** cluster.etcd.extraArgs as flag values; a list becomes etcd's comma-separated form. */
export function etcdExtraArgs(cluster: ClusterConfig | undefined): Record<string, string> {
  const args = cluster?.etcd?.extraArgs ?? {};
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
}
