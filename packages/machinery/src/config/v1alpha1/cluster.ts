// cluster.*: what every node of the cluster shares (secrets, CAs, endpoints, components).
import { array, bool, deprecated, map, object, string } from '../schema/builder.ts';
import { base64Bytes, duration, nonEmpty, token, url } from '../schema/formats.ts';
import { certAndKey, certificate, privateKey } from './common.ts';
import {
  apiServer,
  clusterNetwork,
  controlPlaneEndpoint,
  controllerManager,
  coreDNS,
  discovery,
  etcd,
  proxy,
  scheduler,
} from './cluster-components.ts';

export const cluster = object({
  id: deprecated(string(base64Bytes(32)), 'DiscoveryIdentityConfig'),
  secret: deprecated(string(base64Bytes(32)), 'DiscoveryIdentityConfig'),
  controlPlane: deprecated(controlPlaneEndpoint, 'KubeClusterConfig'),
  clusterName: deprecated(string(nonEmpty), 'KubeClusterConfig'),
  network: deprecated(clusterNetwork, 'KubeNetworkConfig'),
  token: string(token),
  aescbcEncryptionSecret: deprecated(string(base64Bytes(32)), 'KubeEtcdEncryptionConfig'),
  secretboxEncryptionSecret: deprecated(string(base64Bytes(32)), 'KubeEtcdEncryptionConfig'),
  ca: deprecated(certAndKey, 'KubeAPIServerCAConfig'),
  acceptedCAs: deprecated(array(certificate), 'KubeAPIServerCAConfig'),
  aggregatorCA: deprecated(certAndKey, 'KubeAggregatorCAConfig'),
  serviceAccount: deprecated(privateKey, 'KubeServiceAccountConfig'),
  apiServer: deprecated(apiServer, 'KubeAPIServerConfig'),
  controllerManager: deprecated(controllerManager, 'KubeControllerManagerConfig'),
  proxy: deprecated(proxy, 'KubeProxyConfig'),
  scheduler: deprecated(scheduler, 'KubeSchedulerConfig'),
  discovery: deprecated(discovery, 'DiscoveryServiceConfig'),
  etcd,
  coreDNS: deprecated(coreDNS, 'KubeCoreDNSConfig'),
  externalCloudProvider: object({ enabled: bool(), manifests: array(string(url(['http', 'https']))) }),
  extraManifests: deprecated(array(string(url(['http', 'https']))), 'KubeExternalManifestConfig'),
  extraManifestHeaders: deprecated(map(string()), 'KubeExternalManifestConfig'),
  inlineManifests: deprecated(
    array(object({ name: string(nonEmpty), contents: string() })),
    'KubeInlineManifestConfig',
  ),
  adminKubeconfig: object({ certLifetime: string(duration) }),
  allowSchedulingOnMasters: deprecated(bool(), 'allowSchedulingOnControlPlanes'),
  allowSchedulingOnControlPlanes: deprecated(bool(), 'KubeSchedulerConfig'),
});
