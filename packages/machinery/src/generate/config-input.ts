import type { SecretsBundle } from '../secrets/secrets-bundle.ts';
import type { ClusterEndpoint } from './endpoint.ts';

/** Everything the v1alpha1 builders need; filled with defaults by generateConfigs. */
export interface ConfigInput {
  clusterName: string;
  endpoint: ClusterEndpoint;
  secrets: SecretsBundle;
  kubernetesVersion: string;
  installDisk: string;
  installImage: string;
  /** Extra SANs for the API server and the machine (apid) certificates. */
  additionalSans: readonly string[];
  dnsDomain: string;
  withKubespan: boolean;
  withClusterDiscovery: boolean;
}

/** A generated document: a plain object in the key order talosctl writes. */
export type ConfigObject = Record<string, unknown>;
