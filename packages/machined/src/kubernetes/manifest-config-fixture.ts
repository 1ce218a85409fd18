// For the manifest controllers' tests: a minimal machine config and a way to set it in state.
import type { State } from '@bronze/runtime';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';

/** A v1alpha1 config of `type` for cluster demo, with `extra` appended to its cluster section. */
export function configText(type: 'controlplane' | 'worker', extra = ''): string {
  return (
    `version: v1alpha1\nmachine:\n  type: ${type}\ncluster:\n  clusterName: demo\n` +
    `  controlPlane:\n    endpoint: https://10.5.0.2:6443\n  token: abcdef.0123456789abcdef\n${extra}`
  );
}

/** Creates or replaces the MachineConfig resource. */
export async function setConfig(state: State, text: string): Promise<void> {
  const current = await state.get<string>(MachineConfig.pointer(MachineConfigId)).catch(() => undefined);
  if (current === undefined) await state.create(MachineConfig.make(MachineConfigId, text));
  else await state.update({ metadata: current.metadata, spec: text }, { owner: current.metadata.owner });
}
