// machine.*: what this node is and how it runs. Deprecated fields stay because existing configs
// (including everything talosctl generates today) carry them.
import { array, deprecated, enumOf, map, object, string, unstructured } from '../schema/builder.ts';
import { san, token } from '../schema/formats.ts';
import { certAndKey, certificate, env } from './common.ts';
import {
  features,
  kernel,
  logging,
  machineControlPlane,
  registries,
  seccompProfile,
  time,
  udev,
} from './machine-features.ts';
import { disk, file, install, kubelet, systemDiskEncryption } from './machine-host.ts';
import { machineNetwork } from './machine-network.ts';

/** `init` and `join` are the old names of controlplane and worker; configs may still carry them. */
export const machineTypes = ['controlplane', 'worker', 'init', 'join'] as const;

export const machine = object({
  type: enumOf(machineTypes),
  token: string(token),
  ca: certAndKey,
  acceptedCAs: array(certificate),
  certSANs: array(string(san)),
  controlPlane: deprecated(machineControlPlane, 'KubeControllerManagerConfig and KubeSchedulerConfig'),
  kubelet: deprecated(kubelet, 'KubeletConfig'),
  pods: deprecated(array(unstructured()), 'KubeStaticPodConfig'),
  network: deprecated(machineNetwork, 'the network documents (LinkConfig, ResolverConfig, HostnameConfig...)'),
  disks: deprecated(array(disk), 'UserVolumeConfig'),
  install: deprecated(install, 'UnattendedInstallConfig'),
  files: deprecated(array(file), 'EtcFileConfig or CRICustomizationConfig'),
  env: deprecated(env, 'EnvironmentConfig'),
  time: deprecated(time, 'TimeSyncConfig'),
  sysctls: deprecated(map(string()), 'SysctlConfig'),
  sysfs: deprecated(map(string()), 'SysfsConfig'),
  registries: deprecated(registries, 'RegistryMirrorConfig, RegistryAuthConfig and RegistryTLSConfig'),
  systemDiskEncryption: deprecated(systemDiskEncryption, 'VolumeConfig'),
  features,
  udev: deprecated(udev, 'UdevRulesConfig'),
  logging,
  kernel: deprecated(kernel, 'KernelModuleConfig'),
  seccompProfiles: array(seccompProfile),
  baseRuntimeSpecOverrides: deprecated(unstructured(), 'CRIBaseRuntimeSpecConfig'),
  nodeLabels: deprecated(map(string()), 'KubeNodeConfig'),
  nodeAnnotations: map(string()),
  nodeTaints: map(string()),
});
