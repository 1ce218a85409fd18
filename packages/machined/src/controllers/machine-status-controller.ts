// MachineStatus: the stage the sequencer is in, and whether the node is ready (running, with every
// service up and healthy); what is missing is listed as unmet conditions.
import { exclusive, weak, type Controller } from '@bronze/runtime';
import {
  MachineStatus,
  MachineStatusId,
  Service,
  type MachineStage,
  type UnmetCondition,
} from '../resources/runtime-resources.ts';
import type { Observed } from './observed.ts';

export function machineStatusController(stage: Observed<MachineStage>): Controller {
  return {
    name: 'runtime.MachineStatusController',
    inputs: [weak(Service)],
    outputs: [exclusive(MachineStatus)],
    async run(ctx) {
      stage.watch(() => {
        ctx.queueReconcile();
      }, ctx.signal);
      for await (const _ of ctx.changes()) {
        const current = stage.get();
        const unmet: UnmetCondition[] = [];
        if (current === 'maintenance') {
          unmet.push({
            name: 'config',
            reason: 'the node has no valid machine config: apply one (osctl apply-config)',
          });
        }
        // As Talos: a running service counts as up when healthy or when its health is unknown (it has
        // no health check, or none has finished yet).
        const down = (await ctx.list(Service)).filter((s) => !s.spec.running || (!s.spec.healthy && !s.spec.unknown));
        if (down.length > 0) {
          unmet.push({
            name: 'services',
            reason: `services not up and healthy: ${down.map((s) => s.metadata.id).join(', ')}`,
          });
        }
        await ctx.modify({ type: MachineStatus, id: MachineStatusId }, (spec) => {
          spec.stage = current;
          spec.status = { ready: current === 'running' && unmet.length === 0, unmetConditions: unmet };
        });
      }
    },
  };
}
