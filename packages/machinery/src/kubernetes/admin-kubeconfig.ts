// The admin kubeconfig a control plane hands out (MachineService.Kubeconfig): a fresh client
// certificate from the cluster's Kubernetes CA (cluster.ca) in group system:masters, for the
// cluster's endpoint (cluster.controlPlane.endpoint), named as Talos names it: cluster CLUSTER, user
// and context admin@CLUSTER.
import { stringify } from 'yaml';
import type { ConfigBundle } from '../config/bundle.ts';
import { parseGoDuration } from '../config/go-duration.ts';
import { issueCertificateAndKey, encodeCertificateAndKey } from '../pki/issue.ts';
import { base64ToPem } from '../pki/pem.ts';
import { parseCertificateAndKey } from '../pki/verify.ts';

/** One year, Talos's default for cluster.adminKubeconfig.certLifetime. */
export const DefaultAdminCertLifetimeMs = 8760 * 3_600_000;

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

export function isKubeconfigError(err: unknown): err is KubeconfigError {
  return err instanceof Error && err.name === 'KubeconfigError';
}

export interface AdminKubeconfigOptions {
  now?: Date;
}

/** The kubeconfig YAML for the cluster of `config` (a control-plane config: it holds cluster.ca.key). */
export async function adminKubeconfig(config: ConfigBundle, options: AdminKubeconfigOptions = {}): Promise<string> {
  const cluster = config.v1alpha1()?.cluster;
  const name = cluster?.clusterName ?? '';
  const endpoint = cluster?.controlPlane?.endpoint ?? '';
  const ca = cluster?.ca;
  if (name === '' || endpoint === '') {
    throw new KubeconfigError(
      'the machine config has no cluster.clusterName or cluster.controlPlane.endpoint: generate it with `osctl gen config`',
    );
  }
  if (ca?.crt === undefined || ca.key === undefined || ca.key === '') {
    throw new KubeconfigError(
      'the machine config has no Kubernetes CA key (cluster.ca.key): ask a control-plane node for the kubeconfig',
    );
  }
  const caPem = base64ToPem(ca.crt, 'cluster.ca.crt');
  const issuer = parseCertificateAndKey(caPem, base64ToPem(ca.key, 'cluster.ca.key'), 'cluster.ca');
  const lifetimeText = cluster?.adminKubeconfig?.certLifetime;
  const lifetimeMs = lifetimeText === undefined ? DefaultAdminCertLifetimeMs : parseGoDuration(lifetimeText);
  if (lifetimeMs === undefined || lifetimeMs <= 0) {
    throw new KubeconfigError(
      `cluster.adminKubeconfig.certLifetime: "${lifetimeText ?? ''}" is not a positive duration: use one such as 8760h`,
    );
  }
  const client = encodeCertificateAndKey(
    await issueCertificateAndKey(issuer, {
      algorithm: 'ecdsa-p256',
      commonName: 'admin',
      organizations: ['system:masters'],
      extKeyUsage: ['clientAuth'],
      lifetimeMs,
      ...(options.now === undefined ? {} : { now: options.now }),
    }),
  );
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  const user = `admin@${name}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: endpoint, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(client.crt), 'client-key-data': b64(client.key) } }],
    contexts: [{ context: { cluster: name, namespace: 'default', user }, name: user }],
    'current-context': user,
  });
}
