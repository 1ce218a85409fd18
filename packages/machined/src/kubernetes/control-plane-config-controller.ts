// APIServerConfig, ControllerManagerConfig and SchedulerConfig from the control-plane config and
// the node's address (etcd and the API server listen there). Each is written only when its own
// data changes, so a change to one component's section re-renders only that component's pod.
import { apiServerConfigOf, controllerManagerConfigOf, schedulerConfigOf } from '@bronze/machinery';
import { exclusive, weak, type Controller } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { NodeAddress, NodeAddressIds } from '../resources/network-resources.ts';
import { APIServerConfig, ControlPlaneIds, ControllerManagerConfig, SchedulerConfig } from './kubernetes-resources.ts';

export function controlPlaneConfigController(): Controller {
  return {
    name: 'k8s.ControlPlaneController',
    inputs: [weak(MachineConfig), weak(NodeAddress)],
    outputs: [exclusive(APIServerConfig), exclusive(ControllerManagerConfig), exclusive(SchedulerConfig)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        const res = await ctx.find(MachineConfig, MachineConfigId);
        const addr = await ctx.find(NodeAddress, NodeAddressIds.default);
        const config = res === undefined ? undefined : parseMachineConfig(res.spec);
        const address = addr?.spec.addresses[0]?.split('/')[0];
        if (config !== undefined && address !== undefined) {
          const apiServer = apiServerConfigOf(config, { address });
          const controllerManager = controllerManagerConfigOf(config);
          const scheduler = schedulerConfigOf(config);
          if (apiServer !== undefined) {
            await ctx.modify({ type: APIServerConfig, id: ControlPlaneIds.apiServer }, (spec) => {
              Object.assign(spec, apiServer);
            });
          }
          if (controllerManager !== undefined) {
            await ctx.modify({ type: ControllerManagerConfig, id: ControlPlaneIds.controllerManager }, (spec) => {
              Object.assign(spec, controllerManager);
            });
          }
          if (scheduler !== undefined) {
            await ctx.modify({ type: SchedulerConfig, id: ControlPlaneIds.scheduler }, (spec) => {
              Object.assign(spec, scheduler);
            });
          }
        }
        await ctx.cleanupOutputs();
      }
    },
  };
}
