// machine.features, logging, registries, time and the smaller machine.* sections.
import { array, bool, deprecated, enumOf, int, map, object, string, unstructured } from '../schema/builder.ts';
import { all, duration, nonEmpty, url } from '../schema/formats.ts';
import { certAndKey } from './common.ts';

export const features = object({
  rbac: bool(),
  stableHostname: deprecated(bool(), 'HostnameConfig'),
  kubernetesTalosAPIAccess: deprecated(
    object({ enabled: bool(), allowedRoles: array(string()), allowedKubernetesNamespaces: array(string()) }),
    'KubeTalosAPIAccessConfig',
  ),
  apidCheckExtKeyUsage: bool(),
  diskQuotaSupport: bool(),
  kubePrism: deprecated(object({ enabled: bool(), port: int({ min: 1, max: 65535 }) }), 'KubePrismConfig'),
  hostDNS: deprecated(
    object({ enabled: bool(), forwardKubeDNSToHost: bool(), resolveMemberNames: bool() }),
    'ResolverConfig.hostDNS',
  ),
  imageCache: deprecated(object({ localEnabled: bool() }), 'ImageCacheConfig'),
  nodeAddressSortAlgorithm: enumOf(['v1', 'v2']),
});

export const logging = object({
  destinations: array(
    object({
      endpoint: string(url(['tcp', 'udp'], { port: true })),
      format: enumOf(['json_lines']),
      extraTags: map(string()),
    }),
  ),
});

export const time = object({
  disabled: bool(),
  servers: array(string(nonEmpty)),
  bootTimeout: string(duration),
});

const registryMirror = object({
  endpoints: array(string(url(['http', 'https']))),
  overridePath: bool(),
  skipFallback: bool(),
});

const registryConfig = object({
  tls: object({ clientIdentity: certAndKey, ca: string(), insecureSkipVerify: bool() }),
  auth: object({ username: string(), password: string(), auth: string(), identityToken: string() }),
});

export const registries = object({ mirrors: map(registryMirror), config: map(registryConfig) });

export const udev = object({ rules: array(string()) });

export const kernel = object({ modules: array(object({ name: string(all(nonEmpty)), parameters: array(string()) })) });

export const seccompProfile = object({ name: string(nonEmpty), value: unstructured() });

export const machineControlPlane = object({
  controllerManager: object({ disabled: bool() }),
  scheduler: object({ disabled: bool() }),
});
