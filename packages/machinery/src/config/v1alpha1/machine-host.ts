// The host-level parts of machine.*: kubelet, install, disks, files, disk encryption.
import { array, bool, deprecated, enumOf, int, object, oneOf, string, unstructured } from '../schema/builder.ts';
import { absolutePath, ip, nonEmpty, subnetFilter } from '../schema/formats.ts';
import { extraArgs } from './common.ts';

const idMapping = object({ containerID: int({ min: 0 }), hostID: int({ min: 0 }), size: int({ min: 0 }) });

const extraMount = object({
  destination: string(absolutePath),
  type: string(),
  source: string(),
  options: array(string()),
  uidMappings: array(idMapping),
  gidMappings: array(idMapping),
});

export const kubelet = object({
  image: deprecated(string(nonEmpty), 'KubeletConfig'),
  clusterDNS: deprecated(array(string(ip)), 'KubeletConfig'),
  extraArgs: deprecated(extraArgs, 'KubeletConfig'),
  extraMounts: deprecated(array(extraMount), 'KubeletConfig'),
  extraConfig: deprecated(unstructured(), 'KubeletConfig'),
  credentialProviderConfig: unstructured(),
  defaultRuntimeSeccompProfileEnabled: deprecated(bool(), 'KubeletConfig'),
  registerWithFQDN: deprecated(bool(), 'KubeletConfig'),
  nodeIP: deprecated(object({ validSubnets: array(string(subnetFilter)) }), 'KubeletConfig'),
  skipNodeRegistration: deprecated(bool(), 'KubeletConfig'),
  disableManifestsDirectory: deprecated(bool(), 'KubeletConfig'),
});

const diskSelector = object({
  size: oneOf(int({ min: 0 }), string()),
  name: string(),
  model: string(),
  serial: string(),
  modalias: string(),
  uuid: string(),
  wwid: string(),
  type: enumOf(['ssd', 'hdd', 'nvme', 'sd']),
  busPath: string(),
});

export const install = object({
  disk: string(),
  diskSelector,
  extraKernelArgs: deprecated(array(string()), 'UnattendedInstallConfig'),
  image: string(),
  extensions: deprecated(
    array(object({ image: string(nonEmpty) })),
    'system extensions baked into the installer image',
  ),
  bootloader: deprecated(bool(), 'nothing: a bootloader is always installed'),
  wipe: bool(),
  legacyBIOSSupport: bool(),
  grubUseUKICmdline: bool(),
});

export const disk = object({
  device: string(absolutePath),
  partitions: array(object({ size: oneOf(int({ min: 0 }), string()), mountpoint: string(absolutePath) })),
});

export const file = object({
  content: string(),
  permissions: int({ min: 0, max: 0o7777, octal: true }),
  path: string(absolutePath),
  op: enumOf(['create', 'append', 'overwrite']),
});

const encryptionKey = object({
  static: object({ passphrase: string(nonEmpty) }),
  nodeID: object({}),
  kms: object({ endpoint: string(nonEmpty) }),
  slot: int({ min: 0, max: 31 }),
  tpm: object({ checkSecurebootStatusOnEnroll: bool() }),
});

const encryption = object({
  provider: enumOf(['luks2']),
  keys: array(encryptionKey),
  cipher: string(),
  keySize: int({ min: 0 }),
  blockSize: int({ min: 0 }),
  options: array(string()),
});

export const systemDiskEncryption = object({ state: encryption, ephemeral: encryption });
