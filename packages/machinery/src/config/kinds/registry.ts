import type { KindDefinition } from './kind.ts';
import { HostnameConfigKind, ResolverConfigKind, TimeSyncConfigKind } from './network-kinds.ts';
import { EnvironmentConfigKind, SysctlConfigKind } from './runtime-kinds.ts';
import { DiscoveryIdentityConfigKind, DiscoveryServiceConfigKind } from './discovery-kinds.ts';
import { RegistryMirrorConfigKind } from './registry-kinds.ts';
import {
  FilesystemTrimConfigKind,
  KubePrismConfigKind,
  SecurityProfileConfigKind,
  UnattendedInstallConfigKind,
  VolumeConfigKind,
} from './system-kinds.ts';

/** The kinds of documents a config may hold besides the v1alpha1 one, looked up by `kind`. */
export class KindRegistry {
  readonly #byKind = new Map<string, KindDefinition>();

  constructor(kinds: readonly KindDefinition[]) {
    for (const k of kinds) this.register(k);
  }

  register(def: KindDefinition): void {
    if (this.#byKind.has(def.kind)) throw new Error(`config kind ${def.kind} is registered twice`);
    this.#byKind.set(def.kind, def);
  }

  get(kind: string): KindDefinition | undefined {
    return this.#byKind.get(kind);
  }

  kinds(): string[] {
    return [...this.#byKind.keys()].sort();
  }
}

/** Every kind Bronze understands today. */
export const configKinds = new KindRegistry([
  HostnameConfigKind,
  ResolverConfigKind,
  TimeSyncConfigKind,
  SysctlConfigKind,
  EnvironmentConfigKind,
  DiscoveryServiceConfigKind,
  DiscoveryIdentityConfigKind,
  RegistryMirrorConfigKind,
  VolumeConfigKind,
  FilesystemTrimConfigKind,
  UnattendedInstallConfigKind,
  SecurityProfileConfigKind,
  KubePrismConfigKind,
] as readonly KindDefinition[]);
