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
