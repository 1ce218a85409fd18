// Documents about the node's own disks, install and hardening: VolumeConfig,
// FilesystemTrimConfig, UnattendedInstallConfig, SecurityProfileConfig, KubePrismConfig.
import { type Infer, array, bool, enumOf, int, object, string } from '../schema/builder.ts';
import { duration, nonEmpty } from '../schema/formats.ts';
import { defineKind } from './kind.ts';

const header = { apiVersion: enumOf(['v1alpha1']), kind: string() };
const required = { required: ['apiVersion', 'kind'] as const };
const celSelector = object({ match: string(nonEmpty) });

const encryptionKey = object({
  slot: int({ min: 0, max: 31 }),
  static: object({ passphrase: string(nonEmpty) }),
  nodeID: object({}),
  kms: object({ endpoint: string(nonEmpty) }),
  tpm: object({ options: object({ pcrs: array(int({ min: 0, max: 23 })) }), checkSecurebootStatusOnEnroll: bool() }),
  lockToState: bool(),
});

const volumeSchema = object(
  {
    ...header,
    name: string(nonEmpty),
    provisioning: object({ diskSelector: celSelector, grow: bool(), minSize: string(), maxSize: string() }),
    filesystem: object({ xfs: object({ minAllocationGroupSize: string() }) }),
    encryption: object({
      provider: enumOf(['luks2']),
      keys: array(encryptionKey),
      cipher: enumOf(['aes-xts-plain64', 'xchacha12,aes-adiantum-plain64', 'xchacha20,aes-adiantum-plain64']),
      keySize: int({ min: 0 }),
      blockSize: int({ min: 0 }),
      options: array(string()),
      allowDiscards: bool(),
    }),
    mount: object({ secure: bool(), disableAccessTime: bool() }),
    trim: object({ enabled: bool(), interval: string(duration) }),
    scrub: object({ enabled: bool(), interval: string(duration) }),
  },
  { required: ['apiVersion', 'kind', 'name'] },
);
export type VolumeConfig = Infer<typeof volumeSchema>;
export const VolumeConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'VolumeConfig',
  named: true,
  schema: volumeSchema,
});

const trimSchema = object({ ...header, interval: string(duration) }, required);
export const FilesystemTrimConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'FilesystemTrimConfig',
  named: false,
  schema: trimSchema,
});

const installSchema = object(
  {
    ...header,
    reboot: bool(),
    installer: object({ image: string(nonEmpty) }),
    provisioning: object({ diskSelector: celSelector, wipe: bool() }),
  },
  required,
);
export type UnattendedInstallConfig = Infer<typeof installSchema>;
export const UnattendedInstallConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'UnattendedInstallConfig',
  named: false,
  schema: installSchema,
});

const securitySchema = object({ ...header, workloadIsolation: bool() }, required);
export const SecurityProfileConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'SecurityProfileConfig',
  named: false,
  schema: securitySchema,
});

const kubePrismSchema = object(
  { ...header, port: int({ min: 1, max: 65535 }), tlsServerName: string() },
  { required: ['apiVersion', 'kind', 'port'] },
);
export const KubePrismConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'KubePrismConfig',
  named: false,
  schema: kubePrismSchema,
});
