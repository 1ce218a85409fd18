// The root secrets of a control plane's Kubernetes PKI, read from the machine config: the
// Kubernetes CA (cluster.ca), the front-proxy CA (cluster.aggregatorCA), the etcd CA
// (cluster.etcd.ca), the service-account key, the encryption secrets and the names the API server
// certificate must carry. Everything else under system/secrets/kubernetes is issued from these.
import type { ConfigBundle } from '../config/bundle.ts';
import { DefaultControlPlanePort, DefaultDnsDomain, DefaultServiceSubnets } from '../generate/versions.ts';
import { base64ToPem } from '../pki/pem.ts';

export class KubernetesPkiError extends Error {
  override readonly name = 'KubernetesPkiError';
}

export function isKubernetesPkiError(err: unknown): err is KubernetesPkiError {
  return err instanceof Error && err.name === 'KubernetesPkiError';
}

/** PEM texts of a CA certificate and its key. */
export interface PemPair {
  crt: string;
  key: string;
}

export interface KubernetesRootSecrets {
  clusterName: string;
  /** cluster.controlPlane.endpoint: what clients outside the node use. */
  endpoint: string;
  /** The API server on the node itself: https://127.0.0.1:PORT (cluster.controlPlane.localAPIServerPort). */
  localEndpoint: string;
  localPort: number;
  /** cluster.apiServer.certSANs. */
  certSANs: string[];
  dnsDomain: string;
  serviceSubnets: string[];
  ca: PemPair;
  aggregatorCA: PemPair;
  etcdCA: PemPair;
  /** cluster.serviceAccount.key (PEM). */
  serviceAccountKey: string;
  /** Base64 of 32 bytes, or '' when the config has none. */
  secretboxEncryptionSecret: string;
  aescbcEncryptionSecret: string;
  /** cluster.token: the bootstrap token `id.secret`. */
  bootstrapToken: string;
}

/**
 * The Kubernetes root secrets of a control-plane config; undefined for a worker (it holds no CA
 * keys and renders no control plane). A control-plane config missing a field needed here is a
 * KubernetesPkiError naming the field.
 */
export function kubernetesRootSecretsOf(config: ConfigBundle): KubernetesRootSecrets | undefined {
  if (!config.isControlPlane()) return undefined;
  const cluster = config.v1alpha1()?.cluster;
  const endpoint = cluster?.controlPlane?.endpoint ?? '';
  if (endpoint === '') throw missing('cluster.controlPlane.endpoint');
  const box = cluster?.secretboxEncryptionSecret ?? '';
  const aescbc = cluster?.aescbcEncryptionSecret ?? '';
  if (box === '' && aescbc === '') throw missing('cluster.secretboxEncryptionSecret');
  const localPort = cluster?.controlPlane?.localAPIServerPort ?? DefaultControlPlanePort;
  const network = cluster?.network;
  return {
    clusterName: cluster?.clusterName ?? 'kubernetes',
    endpoint,
    localEndpoint: `https://127.0.0.1:${String(localPort)}`,
    localPort,
    certSANs: [...(cluster?.apiServer?.certSANs ?? [])],
    dnsDomain: network?.dnsDomain ?? DefaultDnsDomain,
    serviceSubnets: [...(network?.serviceSubnets ?? DefaultServiceSubnets)],
    ca: pair(cluster?.ca, 'cluster.ca'),
    aggregatorCA: pair(cluster?.aggregatorCA, 'cluster.aggregatorCA'),
    etcdCA: pair(cluster?.etcd?.ca, 'cluster.etcd.ca'),
    serviceAccountKey: pem(cluster?.serviceAccount?.key, 'cluster.serviceAccount.key'),
    secretboxEncryptionSecret: box,
    aescbcEncryptionSecret: aescbc,
    bootstrapToken: cluster?.token ?? '',
  };
}

function pair(value: { crt?: string; key?: string } | undefined, path: string): PemPair {
  return { crt: pem(value?.crt, `${path}.crt`), key: pem(value?.key, `${path}.key`) };
}

function pem(value: string | undefined, path: string): string {
  if (value === undefined || value === '') throw missing(path);
  return base64ToPem(value, path);
}

function missing(path: string): KubernetesPkiError {
  return new KubernetesPkiError(
    `the control-plane config has no ${path}, which the Kubernetes PKI is issued from: generate the config with \`osctl gen config\` or copy the field from the cluster's secrets`,
  );
}
