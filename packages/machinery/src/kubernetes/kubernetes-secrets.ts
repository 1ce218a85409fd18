// Every file of a control plane's system/secrets/kubernetes directory (docs/KUBERNETES.md), issued
// from the root secrets: the API server's serving and client certificates, the front-proxy and etcd
// clients, the service-account key pair, the encryption config and the components' kubeconfigs.
// Leaf certificates are ECDSA P-256 and live one year unless told otherwise.
import { isIP } from 'node:net';
import { encodePublicKeyPem, parsePrivateKeyPem } from '../pki/keys.ts';
import { encodeCertificateAndKey, issueCertificateAndKey, type CertificateAndKey } from '../pki/issue.ts';
import { parseCertificateAndKey } from '../pki/verify.ts';
import { componentKubeconfig } from './component-kubeconfig.ts';
import { encryptionConfig } from './encryption-config.ts';
import type { KubernetesRootSecrets } from './kubernetes-root-secrets.ts';
import { firstServiceIp } from './service-ip.ts';

/** One year, as kubeadm and Talos issue the control plane's leaf certificates. */
export const KubernetesCertLifetimeMs = 8_760 * 3_600_000;

/** The file names under system/secrets/kubernetes. */
export const KubernetesSecretFile = {
  ca: 'ca.crt',
  caKey: 'ca.key',
  apiServerCrt: 'apiserver.crt',
  apiServerKey: 'apiserver.key',
  kubeletClientCrt: 'apiserver-kubelet-client.crt',
  kubeletClientKey: 'apiserver-kubelet-client.key',
  frontProxyCa: 'front-proxy-ca.crt',
  frontProxyClientCrt: 'front-proxy-client.crt',
  frontProxyClientKey: 'front-proxy-client.key',
  etcdCa: 'etcd-ca.crt',
  etcdClientCrt: 'etcd-client.crt',
  etcdClientKey: 'etcd-client.key',
  serviceAccountKey: 'service-account.key',
  serviceAccountPub: 'service-account.pub',
  encryptionConfig: 'encryptionconfig.yaml',
  controllerManagerKubeconfig: 'controller-manager.kubeconfig',
  schedulerKubeconfig: 'scheduler.kubeconfig',
  adminKubeconfig: 'admin.kubeconfig',
  kubeletBootstrapKubeconfig: 'kubelet-bootstrap.kubeconfig',
} as const;

export interface KubernetesSecretsOptions {
  /** The node's addresses (no prefix length): SANs of the API server's serving certificate. */
  addresses: readonly string[];
  /** The node's hostname, also a SAN when given. */
  hostname?: string;
  now?: Date;
  lifetimeMs?: number;
}

/** File name → content of every file in system/secrets/kubernetes (each written 0600). */
export type KubernetesSecretFiles = Record<string, string>;

export async function issueKubernetesSecrets(
  root: KubernetesRootSecrets,
  options: KubernetesSecretsOptions,
): Promise<KubernetesSecretFiles> {
  const ca = parseCertificateAndKey(root.ca.crt, root.ca.key, 'cluster.ca');
  const frontProxyCa = parseCertificateAndKey(root.aggregatorCA.crt, root.aggregatorCA.key, 'cluster.aggregatorCA');
  const etcdCa = parseCertificateAndKey(root.etcdCA.crt, root.etcdCA.key, 'cluster.etcd.ca');
  const serviceAccount = parsePrivateKeyPem(root.serviceAccountKey, 'cluster.serviceAccount.key');
  const validity = {
    algorithm: 'ecdsa-p256' as const,
    lifetimeMs: options.lifetimeMs ?? KubernetesCertLifetimeMs,
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const client = async (issuer: CertificateAndKey, commonName: string, organizations: string[] = []) =>
    encodeCertificateAndKey(
      await issueCertificateAndKey(issuer, { ...validity, commonName, organizations, extKeyUsage: ['clientAuth'] }),
    );
  const names = apiServerNames(root, options);
  const [apiServer, kubeletClient, frontProxyClient, etcdClient, controllerManager, scheduler, admin] =
    await Promise.all([
      issueCertificateAndKey(ca, { ...validity, commonName: 'kube-apiserver', ...names, extKeyUsage: ['serverAuth'] }),
      client(ca, 'apiserver-kubelet-client', ['system:masters']),
      client(frontProxyCa, 'front-proxy-client'),
      client(etcdCa, 'kube-apiserver'),
      client(ca, 'system:kube-controller-manager'),
      client(ca, 'system:kube-scheduler'),
      client(ca, 'admin', ['system:masters']),
    ]);
  const server = encodeCertificateAndKey(apiServer);
  const kubeconfig = (user: string, credentials: { crt: string; key: string } | { token: string }, at?: string) =>
    componentKubeconfig({
      clusterName: root.clusterName,
      server: at ?? root.localEndpoint,
      caPem: root.ca.crt,
      user,
      credentials,
    });
  const F = KubernetesSecretFile;
  return {
    [F.ca]: root.ca.crt,
    [F.caKey]: root.ca.key,
    [F.apiServerCrt]: server.crt,
    [F.apiServerKey]: server.key,
    [F.kubeletClientCrt]: kubeletClient.crt,
    [F.kubeletClientKey]: kubeletClient.key,
    [F.frontProxyCa]: root.aggregatorCA.crt,
    [F.frontProxyClientCrt]: frontProxyClient.crt,
    [F.frontProxyClientKey]: frontProxyClient.key,
    [F.etcdCa]: root.etcdCA.crt,
    [F.etcdClientCrt]: etcdClient.crt,
    [F.etcdClientKey]: etcdClient.key,
    [F.serviceAccountKey]: root.serviceAccountKey,
    [F.serviceAccountPub]: encodePublicKeyPem(serviceAccount),
    [F.encryptionConfig]: encryptionConfig(root),
    [F.controllerManagerKubeconfig]: kubeconfig('system:kube-controller-manager', controllerManager),
    [F.schedulerKubeconfig]: kubeconfig('system:kube-scheduler', scheduler),
    [F.adminKubeconfig]: kubeconfig('admin', admin),
    [F.kubeletBootstrapKubeconfig]: kubeconfig('kubelet-bootstrap', { token: root.bootstrapToken }, root.endpoint),
  };
}

/**
 * The SANs of the API server's serving certificate: the endpoint's host, the node's addresses and
 * hostname, cluster.apiServer.certSANs, the `kubernetes` Service's names and first IP, localhost.
 */
export function apiServerNames(
  root: KubernetesRootSecrets,
  options: { addresses: readonly string[]; hostname?: string },
): { dnsNames: string[]; ipAddresses: string[] } {
  const svc = [
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${root.dnsDomain}`,
  ];
  const serviceIps = root.serviceSubnets.map(firstServiceIp).filter((ip) => ip !== undefined);
  const all = [
    hostOf(root.endpoint),
    ...options.addresses,
    ...(options.hostname === undefined || options.hostname === '' ? [] : [options.hostname]),
    ...root.certSANs,
    ...svc,
    ...serviceIps,
    'localhost',
    '127.0.0.1',
  ].filter((n): n is string => n !== undefined && n !== '');
  const unique = [...new Set(all)];
  return { dnsNames: unique.filter((n) => isIP(n) === 0), ipAddresses: unique.filter((n) => isIP(n) !== 0) };
}

function hostOf(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}
