import { pemToBase64 } from '../pki/pem.ts';
import type { ConfigInput, ConfigObject } from './config-input.ts';
import type { MachineType } from './machine-section.ts';
import { DefaultPodSubnets, DefaultServiceSubnets, kubernetesImages } from './versions.ts';

/**
 * The `cluster` section. Control-plane configs carry every Kubernetes and etcd CA with its key and
 * the component settings; worker configs carry the identity, endpoint, network, bootstrap token
 * and the Kubernetes CA certificate only.
 */
export function clusterSection(input: ConfigInput, type: MachineType): ConfigObject {
  const { secrets } = input;
  const common: ConfigObject = {
    id: secrets.cluster.id,
    secret: secrets.cluster.secret,
    controlPlane: { endpoint: input.endpoint.url },
    clusterName: input.clusterName,
    network: {
      dnsDomain: input.dnsDomain,
      podSubnets: [...DefaultPodSubnets],
      serviceSubnets: [...DefaultServiceSubnets],
    },
    token: secrets.secrets.bootstrapToken,
  };
  const discovery = {
    enabled: input.withClusterDiscovery,
    registries: { kubernetes: { disabled: true }, service: {} },
  };
  if (type === 'worker') {
    return { ...common, ca: { crt: pemToBase64(secrets.certs.k8s.crt), key: '' }, discovery };
  }
  const images = kubernetesImages(input.kubernetesVersion);
  const encryption =
    secrets.secrets.secretboxEncryptionSecret !== undefined
      ? { secretboxEncryptionSecret: secrets.secrets.secretboxEncryptionSecret }
      : { aescbcEncryptionSecret: secrets.secrets.aescbcEncryptionSecret ?? '' };
  return {
    ...common,
    ...encryption,
    ca: pair(secrets.certs.k8s),
    aggregatorCA: pair(secrets.certs.k8sAggregator),
    serviceAccount: { key: pemToBase64(secrets.certs.k8sServiceAccount.key) },
    apiServer: {
      image: images.apiServer,
      certSANs: apiServerSans(input),
      disablePodSecurityPolicy: true,
      admissionControl: [{ name: 'PodSecurity', configuration: podSecurityConfiguration() }],
      auditPolicy: { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] },
    },
    controllerManager: { image: images.controllerManager },
    proxy: { image: images.proxy },
    scheduler: { image: images.scheduler },
    discovery,
    etcd: { ca: pair(secrets.certs.etcd) },
    extraManifests: [],
    inlineManifests: [],
  };
}

/** The API server certificate SANs: the endpoint host, then the additional SANs, without repeats. */
export function apiServerSans(input: ConfigInput): string[] {
  return [...new Set([input.endpoint.host, ...input.additionalSans])];
}

function pair(p: { crt: string; key: string }): { crt: string; key: string } {
  return { crt: pemToBase64(p.crt), key: pemToBase64(p.key) };
}

function podSecurityConfiguration(): ConfigObject {
  return {
    apiVersion: 'pod-security.admission.config.k8s.io/v1alpha1',
    defaults: {
      audit: 'restricted',
      'audit-version': 'latest',
      enforce: 'baseline',
      'enforce-version': 'latest',
      warn: 'restricted',
      'warn-version': 'latest',
    },
    exemptions: { namespaces: ['kube-system'], runtimeClasses: [], usernames: [] },
    kind: 'PodSecurityConfiguration',
  };
}
