// Resources of the config namespace: the machine config itself (sensitive: it holds the PKI keys)
// and the machine type derived from it.
import { defineResource } from '@bronze/runtime';
import { Namespaces } from './namespaces.ts';

/** The config text as loaded (every document, comments kept). */
export type MachineConfigSpec = string;

export const MachineConfig = defineResource<MachineConfigSpec>({
  type: 'MachineConfigs.config.talos.dev',
  defaultNamespace: Namespaces.config,
  empty: () => '',
  sensitive: true,
});
/** Talos's id of the active config. */
export const MachineConfigId = 'v1alpha1';

export type MachineTypeName = 'controlplane' | 'worker' | 'unknown';

export interface MachineTypeSpec {
  machineType: MachineTypeName;
}

export const MachineType = defineResource<MachineTypeSpec>({
  type: 'MachineTypes.config.talos.dev',
  defaultNamespace: Namespaces.config,
  empty: () => ({ machineType: 'unknown' }),
  printColumns: [{ name: 'Type', jsonPath: '{.machineType}' }],
});
export const MachineTypeId = 'machine-type';
