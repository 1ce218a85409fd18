// MachineType from the machine config (1:1).
import { transformController, type Controller } from '@bronze/runtime';
import { MachineConfig, MachineConfigId, MachineType, MachineTypeId } from '../resources/config-resources.ts';
import { machineTypeOf, parseMachineConfig } from './config-facts.ts';

export function machineTypeController(): Controller {
  return transformController({
    name: 'config.MachineTypeController',
    input: MachineConfig,
    output: MachineType,
    map: (res) => (res.metadata.id === MachineConfigId ? MachineTypeId : undefined),
    transform: (res, out) => {
      const config = parseMachineConfig(res.spec);
      out.machineType = config === undefined ? 'unknown' : machineTypeOf(config);
    },
  });
}
