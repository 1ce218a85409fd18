// Service resources from the supervisor: one per service that can run here, with running, healthy
// and unknown (health not checked yet) as Talos's ServiceController writes them.
import { exclusive, type Controller } from '@bronze/runtime';
import { Service } from '../resources/runtime-resources.ts';
import type { Observed } from './observed.ts';

export interface ServiceStatus {
  id: string;
  /** The supervisor's state: Running, Waiting, Failed, Skipped, ... */
  state: string;
  healthy: boolean;
  unknown: boolean;
}

export function serviceController(services: Observed<readonly ServiceStatus[]>): Controller {
  return {
    name: 'v1alpha1.ServiceController',
    inputs: [],
    outputs: [exclusive(Service)],
    async run(ctx) {
      services.watch(() => {
        ctx.queueReconcile();
      }, ctx.signal);
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        for (const s of services.get()) {
          if (s.state === 'Skipped') continue;
          await ctx.modify({ type: Service, id: s.id }, (spec) => {
            spec.running = s.state === 'Running';
            spec.healthy = s.state === 'Running' && s.healthy;
            spec.unknown = s.state !== 'Running' || s.unknown;
          });
        }
        await ctx.cleanupOutputs();
      }
    },
  };
}
