// The kubelet's resources (Talos's type names, namespace k8s): KubeletConfig from the machine
// config, KubeletSpec (command line and KubeletConfiguration) from it and the node's facts.
import { defineResource } from '@bronze/runtime';
import { Namespaces } from '../resources/namespaces.ts';
import type { KubeletConfigSpec, KubeletSpecSpec } from './kubelet-spec.ts';

export const KubeletConfig = defineResource<KubeletConfigSpec>({
  type: 'KubeletConfigs.kubernetes.talos.dev',
  defaultNamespace: Namespaces.k8s,
  empty: () => ({
    clusterDNS: [],
    clusterDomain: '',
    extraArgs: {},
    extraConfig: {},
    validSubnets: [],
    controlPlane: false,
    allowSchedulingOnControlPlanes: false,
    skipNodeRegistration: false,
  }),
});

export const KubeletSpec = defineResource<KubeletSpecSpec>({
  type: 'KubeletSpecs.kubernetes.talos.dev',
  defaultNamespace: Namespaces.k8s,
  empty: () => ({ args: [], config: {}, expectedNodename: '', nodeIP: '' }),
  printColumns: [{ name: 'Node IP', jsonPath: '{.nodeIP}' }],
});

/** Both resources have one instance, as on Talos. */
export const KubeletId = 'kubelet';

export interface NodenameSpec {
  /** The name the kubelet registers: the hostname (the FQDN with registerWithFQDN), lower case. */
  nodename: string;
  /** The HostnameStatus version it was taken from. */
  hostnameVersion: string;
  skipNodeRegistration: boolean;
}

export const Nodename = defineResource<NodenameSpec>({
  type: 'Nodenames.kubernetes.talos.dev',
  defaultNamespace: Namespaces.k8s,
  empty: () => ({ nodename: '', hostnameVersion: '', skipNodeRegistration: false }),
  printColumns: [{ name: 'Nodename', jsonPath: '{.nodename}' }],
});
export const NodenameId = 'nodename';

export interface StaticPodStatusSpec {
  /** The pod's status (v1 PodStatus) as the local kubelet reports it. */
  podStatus: Record<string, unknown>;
}

/** One per static pod the kubelet runs from files, id NAMESPACE/POD (control planes). */
export const StaticPodStatus = defineResource<StaticPodStatusSpec>({
  type: 'StaticPodStatuses.kubernetes.talos.dev',
  defaultNamespace: Namespaces.k8s,
  empty: () => ({ podStatus: {} }),
  printColumns: [{ name: 'Phase', jsonPath: '{.podStatus.phase}' }],
});
