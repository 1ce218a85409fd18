// Resources of the runtime namespace: the machine's stage and readiness, services and the version.
import { defineResource } from '@bronze/runtime';
import { Namespaces } from './namespaces.ts';

export const MachineStages = [
  'unknown',
  'booting',
  'installing',
  'maintenance',
  'running',
  'rebooting',
  'shutting down',
  'resetting',
  'upgrading',
] as const;
export type MachineStage = (typeof MachineStages)[number];

export interface UnmetCondition {
  name: string;
  reason: string;
}

export interface MachineStatusSpec {
  stage: MachineStage;
  status: { ready: boolean; unmetConditions: UnmetCondition[] };
}

export const MachineStatus = defineResource<MachineStatusSpec>({
  type: 'MachineStatuses.runtime.talos.dev',
  defaultNamespace: Namespaces.runtime,
  empty: () => ({ stage: 'unknown', status: { ready: false, unmetConditions: [] } }),
  printColumns: [
    { name: 'Stage', jsonPath: '{.stage}' },
    { name: 'Ready', jsonPath: '{.status.ready}' },
  ],
});
export const MachineStatusId = 'machine';

export interface ServiceSpec {
  running: boolean;
  healthy: boolean;
  unknown: boolean;
}

export const Service = defineResource<ServiceSpec>({
  type: 'Services.v1alpha1.talos.dev',
  defaultNamespace: Namespaces.runtime,
  empty: () => ({ running: false, healthy: false, unknown: true }),
  printColumns: [
    { name: 'Running', jsonPath: '{.running}' },
    { name: 'Healthy', jsonPath: '{.healthy}' },
    { name: 'Health Unknown', jsonPath: '{.unknown}' },
  ],
});

export interface VersionSpec {
  version: string;
}

export const Version = defineResource<VersionSpec>({
  type: 'Versions.runtime.talos.dev',
  defaultNamespace: Namespaces.runtime,
  empty: () => ({ version: '' }),
  printColumns: [{ name: 'Version', jsonPath: '{.version}' }],
});
export const VersionId = 'version';
