// Manifests from the machine config on a control plane: the bootstrap manifests rendered by
// machinery (RBAC and token for node bootstrapping, flannel, kube-proxy, CoreDNS), one resource per
// group; a worker's config, or one that cannot be rendered, leaves none (and the reason in the log).
// The user's own manifests are ExtraManifestController's (the output is shared).
import { bootstrapManifests, manifestInputFromConfig } from '@bronze/machinery';
import { shared, weak, type Controller } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { Manifest } from './manifest-resources.ts';

export function manifestController(): Controller {
  return {
    name: 'k8s.ManifestController',
    inputs: [weak(MachineConfig)],
    outputs: [shared(Manifest)],
    async run(ctx) {
      let lastError = '';
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        const res = await ctx.find(MachineConfig, MachineConfigId);
        const config = res === undefined ? undefined : parseMachineConfig(res.spec);
        if (config?.isControlPlane() === true) {
          try {
            for (const m of bootstrapManifests(manifestInputFromConfig(config))) {
              await ctx.modify({ type: Manifest, id: m.id }, (spec) => {
                spec.items = m.objects;
              });
            }
            lastError = '';
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            if (message !== lastError) ctx.logger.warn('no bootstrap manifests', { error: message });
            lastError = message;
          }
        }
        await ctx.cleanupOutputs();
      }
    },
  };
}
