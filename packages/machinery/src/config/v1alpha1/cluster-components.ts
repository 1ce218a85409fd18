// The Kubernetes components of cluster.*: API server, controller manager, scheduler, proxy,
// etcd, CoreDNS, and the cluster network.
import { array, bool, deprecated, enumOf, int, object, string, unstructured } from '../schema/builder.ts';
import { cidr, dnsName, nonEmpty, san, subnetFilter, url } from '../schema/formats.ts';
import { certAndKey, env, extraArgs, resources, volumeMount } from './common.ts';

const component = {
  image: string(nonEmpty),
  extraArgs,
  extraVolumes: array(volumeMount),
  env,
  resources,
};

export const apiServer = object({
  ...component,
  certSANs: array(string(san)),
  disablePodSecurityPolicy: bool(),
  admissionControl: deprecated(
    array(object({ name: string(nonEmpty), configuration: unstructured() })),
    'KubeAdmissionControlConfig',
  ),
  auditPolicy: deprecated(unstructured(), 'KubeAuditPolicyConfig'),
  authorizationConfig: deprecated(
    array(object({ type: string(nonEmpty), name: string(nonEmpty), webhook: unstructured() })),
    'KubeAuthorizerConfig',
  ),
});

export const controllerManager = object(component);

export const scheduler = object({ ...component, config: unstructured() });

export const proxy = object({
  disabled: bool(),
  image: string(nonEmpty),
  mode: string(),
  extraArgs,
});

export const etcd = object({
  image: string(nonEmpty),
  ca: certAndKey,
  extraArgs,
  subnet: deprecated(string(cidr), 'advertisedSubnets'),
  advertisedSubnets: array(string(subnetFilter)),
  listenSubnets: array(string(subnetFilter)),
});

export const coreDNS = object({ disabled: bool(), image: string(nonEmpty) });

export const clusterNetwork = object({
  cni: object({
    name: enumOf(['flannel', 'custom', 'none']),
    urls: array(string(url(['http', 'https']))),
    flannel: object({ extraArgs: array(string()), kubeNetworkPoliciesEnabled: bool() }),
  }),
  dnsDomain: string(dnsName),
  podSubnets: array(string(cidr)),
  serviceSubnets: array(string(cidr)),
});

export const discovery = object({
  enabled: bool(),
  registries: object({
    kubernetes: object({ disabled: bool() }),
    service: object({ disabled: bool(), endpoint: string(url(['http', 'https'])) }),
  }),
});

export const controlPlaneEndpoint = object({
  endpoint: string(url(['https'], { port: true })),
  localAPIServerPort: deprecated(int({ min: 1, max: 65535 }), 'KubeClusterConfig'),
});
