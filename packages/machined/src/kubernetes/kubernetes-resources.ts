// Resources of a control plane's Kubernetes (Talos's type names, docs/KUBERNETES.md): the root
// secrets read from the config and the PKI files issued from them (secrets namespace, sensitive),
// the components' configs (controlplane namespace) and the static pods rendered from them (k8s).
import type {
  APIServerConfigSpec,
  ControllerManagerConfigSpec,
  KubernetesRootSecrets as KubernetesRootSecretsData,
  SchedulerConfigSpec,
} from '@bronze/machinery';
import { defineResource } from '@bronze/runtime';
import { Namespaces } from '../resources/namespaces.ts';

export type KubernetesRootSecretsSpec = KubernetesRootSecretsData;

const emptyPair = () => ({ crt: '', key: '' });

export const KubernetesRootSecrets = defineResource<KubernetesRootSecretsSpec>({
  type: 'KubernetesRootSecrets.secrets.talos.dev',
  defaultNamespace: Namespaces.secrets,
  empty: () => ({
    clusterName: '',
    endpoint: '',
    localEndpoint: '',
    localPort: 0,
    certSANs: [],
    dnsDomain: '',
    serviceSubnets: [],
    ca: emptyPair(),
    aggregatorCA: emptyPair(),
    etcdCA: emptyPair(),
    serviceAccountKey: '',
    secretboxEncryptionSecret: '',
    aescbcEncryptionSecret: '',
    bootstrapToken: '',
  }),
  sensitive: true,
});
export const KubernetesRootSecretsId = 'k8s';

export interface KubernetesCertsSpec {
  /** File name → content of system/secrets/kubernetes. */
  files: Record<string, string>;
  /** A digest of what the files were issued from (root secrets, addresses, hostname). */
  inputs: string;
  /** When the leaf certificates were issued and when they are renewed (RFC 3339). */
  issuedAt: string;
  renewAt: string;
}

export const KubernetesCerts = defineResource<KubernetesCertsSpec>({
  type: 'KubernetesCerts.secrets.talos.dev',
  defaultNamespace: Namespaces.secrets,
  empty: () => ({ files: {}, inputs: '', issuedAt: '', renewAt: '' }),
  sensitive: true,
});
export const KubernetesCertsId = 'k8s-certs';

export interface SecretsStatusSpec {
  /** True once system/secrets/kubernetes holds the files of `version`. */
  ready: boolean;
  /** The KubernetesCerts issuedAt those files are. */
  version: string;
}

/** Whether the PKI files are on disk: static pods are rendered only for a version that is written. */
export const SecretsStatus = defineResource<SecretsStatusSpec>({
  type: 'SecretsStatuses.kubernetes.talos.dev',
  defaultNamespace: Namespaces.k8s,
  empty: () => ({ ready: false, version: '' }),
  printColumns: [
    { name: 'Ready', jsonPath: '{.ready}' },
    { name: 'Issued', jsonPath: '{.version}' },
  ],
});
export const SecretsStatusId = 'static-pods';

const emptyComponent = () => ({
  image: '',
  extraArgs: {},
  extraVolumes: [],
  env: {},
  resources: { requests: {}, limits: {} },
});

export const APIServerConfig = defineResource<APIServerConfigSpec>({
  type: 'APIServerConfigs.kubernetes.talos.dev',
  defaultNamespace: Namespaces.controlplane,
  empty: () => ({
    ...emptyComponent(),
    controlPlaneEndpoint: '',
    advertisedAddress: '',
    etcdServers: [],
    localPort: 0,
    serviceCIDRs: [],
    admissionControl: [],
    auditPolicy: {},
  }),
  displayType: 'APIServerConfig',
  printColumns: [{ name: 'Image', jsonPath: '{.image}' }],
});

export const ControllerManagerConfig = defineResource<ControllerManagerConfigSpec>({
  type: 'ControllerManagerConfigs.kubernetes.talos.dev',
  defaultNamespace: Namespaces.controlplane,
  empty: () => ({ ...emptyComponent(), podCIDRs: [], serviceCIDRs: [] }),
  printColumns: [{ name: 'Image', jsonPath: '{.image}' }],
});

export const SchedulerConfig = defineResource<SchedulerConfigSpec>({
  type: 'SchedulerConfigs.kubernetes.talos.dev',
  defaultNamespace: Namespaces.controlplane,
  empty: emptyComponent,
  printColumns: [{ name: 'Image', jsonPath: '{.image}' }],
});

/** The ids of the three component configs and of their static pods. */
export const ControlPlaneIds = {
  apiServer: 'kube-apiserver',
  controllerManager: 'kube-controller-manager',
  scheduler: 'kube-scheduler',
} as const;

export interface StaticPodSpec {
  /** The Pod object (v1) as the kubelet reads it. */
  pod: Record<string, unknown>;
}

export const StaticPod = defineResource<StaticPodSpec>({
  type: 'StaticPods.kubernetes.talos.dev',
  defaultNamespace: Namespaces.k8s,
  empty: () => ({ pod: {} }),
});
