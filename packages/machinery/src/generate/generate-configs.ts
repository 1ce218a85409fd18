import { stringify } from 'yaml';
import { serializeClientConfig } from '../client-config/codec.ts';
import { applyConfigPatches } from '../patch/apply-patches.ts';
import type { ConfigPatch } from '../patch/patch-types.ts';
import { pemToBase64 } from '../pki/pem.ts';
import { Role, type Role as RoleName } from '../roles.ts';
import { generateSecretsBundle, issueClientCertificate, type SecretsBundle } from '../secrets/secrets-bundle.ts';
import { clusterSection } from './cluster-section.ts';
import type { ConfigInput, ConfigObject } from './config-input.ts';
import { checkClusterName, parseClusterEndpoint } from './endpoint.ts';
import { GenerateError } from './generate-error.ts';
import { machineSection, type MachineType } from './machine-section.ts';
import { DefaultDnsDomain, DefaultInstallDisk, DefaultInstallImage, DefaultKubernetesVersion } from './versions.ts';

export interface GenerateConfigOptions {
  clusterName: string;
  /** The Kubernetes API URL, https://HOST:6443 (a load balancer, or one control-plane node). */
  endpoint: string;
  /** Reuse a bundle (`--with-secrets`); a fresh one is generated otherwise. */
  secrets?: SecretsBundle;
  kubernetesVersion?: string;
  installDisk?: string;
  installImage?: string;
  additionalSans?: readonly string[];
  dnsDomain?: string;
  withKubespan?: boolean;
  withClusterDiscovery?: boolean;
  /** Patches for every config, then for control-plane and worker configs only. */
  patches?: {
    all?: readonly ConfigPatch[];
    controlPlane?: readonly ConfigPatch[];
    worker?: readonly ConfigPatch[];
  };
  /** Roles of the client certificate in the talosconfig; os:admin by default. */
  roles?: readonly RoleName[];
  /** Size of a newly generated service-account RSA key (tests use 2048 for speed). */
  rsaBits?: number;
}

/** The three outputs of `gen config`, as file texts, and the bundle they came from. */
export interface GeneratedConfigs {
  secrets: SecretsBundle;
  controlplane: string;
  worker: string;
  talosconfig: string;
}

/**
 * Generates controlplane.yaml, worker.yaml and the talosconfig in the v1alpha1 format talosctl
 * writes, then applies the config patches. Nothing touches the disk; see writeGeneratedConfigs.
 */
export async function generateConfigs(options: GenerateConfigOptions): Promise<GeneratedConfigs> {
  checkClusterName(options.clusterName);
  const endpoint = parseClusterEndpoint(options.endpoint);
  const kubernetesVersion = checkKubernetesVersion(options.kubernetesVersion ?? DefaultKubernetesVersion);
  const secrets = options.secrets ?? (await generateSecretsBundle(rsaOption(options.rsaBits)));
  const input: ConfigInput = {
    clusterName: options.clusterName,
    endpoint,
    secrets,
    kubernetesVersion,
    installDisk: options.installDisk ?? DefaultInstallDisk,
    installImage: options.installImage ?? DefaultInstallImage,
    additionalSans: options.additionalSans ?? [],
    dnsDomain: options.dnsDomain ?? DefaultDnsDomain,
    withKubespan: options.withKubespan ?? false,
    withClusterDiscovery: options.withClusterDiscovery ?? true,
  };
  const patches = options.patches ?? {};
  const controlplane = render(machineConfig(input, 'controlplane'), [
    ...(patches.all ?? []),
    ...(patches.controlPlane ?? []),
  ]);
  const worker = render(machineConfig(input, 'worker'), [...(patches.all ?? []), ...(patches.worker ?? [])]);
  const client = await issueClientCertificate(secrets, { roles: options.roles ?? [Role.admin] });
  const talosconfig = serializeClientConfig({
    context: options.clusterName,
    contexts: {
      [options.clusterName]: {
        endpoints: [],
        ca: pemToBase64(secrets.certs.os.crt),
        crt: pemToBase64(client.crt),
        key: pemToBase64(client.key),
      },
    },
  });
  return { secrets, controlplane, worker, talosconfig };
}

/** The v1alpha1 document of one machine type, as a plain object. */
export function machineConfig(input: ConfigInput, type: MachineType): ConfigObject {
  return {
    version: 'v1alpha1',
    debug: false,
    persist: true,
    machine: machineSection(input, type),
    cluster: clusterSection(input, type),
  };
}

function render(doc: ConfigObject, patches: readonly ConfigPatch[]): string {
  const text = stringify(doc, { indent: 4, lineWidth: 0 });
  return patches.length === 0 ? text : applyConfigPatches(text, patches, { source: 'generated config' });
}

function checkKubernetesVersion(version: string): string {
  const bare = version.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(bare)) {
    throw new GenerateError(
      `kubernetes version ${JSON.stringify(version)} is not a version like ${DefaultKubernetesVersion}`,
    );
  }
  return bare;
}

function rsaOption(rsaBits: number | undefined): { rsaBits?: number } {
  return rsaBits === undefined ? {} : { rsaBits };
}
