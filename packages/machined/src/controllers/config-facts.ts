// Facts controllers read from the machine config text. The config was validated before it became a
// MachineConfig resource, so a parse here only fails on a bug; it then yields no facts.
import { HostnameConfigKind, base64ToPem, loadConfig, type ConfigBundle } from '@bronze/machinery';
import type { MachineTypeName } from '../resources/config-resources.ts';

export function parseMachineConfig(text: string): ConfigBundle | undefined {
  return loadConfig(text, { source: 'MachineConfig' }).config;
}

export function machineTypeOf(config: ConfigBundle): MachineTypeName {
  return config.machineType() ?? 'unknown';
}

/** The hostname the config asks for (HostnameConfig, then the deprecated machine.network.hostname). */
export function configHostname(config: ConfigBundle): string | undefined {
  const doc = config.get(HostnameConfigKind);
  if (doc?.hostname !== undefined && doc.hostname !== '') return doc.hostname;
  const legacy = config.v1alpha1()?.machine?.network?.hostname;
  return legacy === undefined || legacy === '' ? undefined : legacy;
}

export interface OsPki {
  caCrt: string;
  caKey: string;
  token: string;
  certSANs: string[];
  /** The host of cluster.controlPlane.endpoint: where a worker finds trustd. */
  controlPlaneHost: string | undefined;
}

/** The OS PKI facts of machine.* (PEM text decoded from the config's base64). */
export function osPkiOf(config: ConfigBundle): OsPki | undefined {
  const v1 = config.v1alpha1();
  const ca = v1?.machine?.ca;
  if (ca?.crt === undefined) return undefined;
  const endpoint = v1?.cluster?.controlPlane?.endpoint;
  return {
    caCrt: base64ToPem(ca.crt, 'machine.ca.crt'),
    caKey: ca.key === undefined || ca.key === '' ? '' : base64ToPem(ca.key, 'machine.ca.key'),
    token: v1?.machine?.token ?? '',
    certSANs: [...(v1?.machine?.certSANs ?? [])],
    controlPlaneHost: endpoint === undefined ? undefined : hostOf(endpoint),
  };
}

function hostOf(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}
