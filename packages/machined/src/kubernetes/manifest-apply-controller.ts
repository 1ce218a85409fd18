// Applies the Manifests to the cluster's API with server-side apply (field manager `bronze`,
// forced), in id order, and records the applied ids in ManifestStatus. Until the API answers it
// retries with capped exponential backoff (a timer that wakes the loop, so the engine never sees a
// failure it would log as a crash).
//
// Every control plane runs it, as in Talos, but without Talos's etcd mutex: all control planes
// render the same objects from the same cluster config and apply them as one field manager, so
// concurrent applies are idempotent and converge; during a rolling config change the last writer
// wins until every node has the new config. The client is an admin (system:masters) certificate
// from cluster.ca against the local API server, https://127.0.0.1:6443.
import {
  KubeClient,
  adminKubeconfig,
  kubeEndpointFromKubeconfig,
  type ConfigBundle,
  type KubeObject,
} from '@bronze/machinery';
import { exclusive, weak, type Controller, type ControllerContext } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { Manifest, ManifestStatus, ManifestStatusId } from './manifest-resources.ts';

/** What the controller needs of a KubeClient. */
export type KubeApplier = Pick<KubeClient, 'apply' | 'close'>;

export interface ManifestApplyOptions {
  /** The client for a config; default localApiClient. */
  client?: (config: ConfigBundle) => Promise<KubeApplier>;
  /** Retry delays (ms): default 1 s doubling up to 30 s. */
  backoff?: { initialMs: number; maxMs: number };
}

export const LocalApiServer = 'https://127.0.0.1:6443';

/** An admin client from the config's cluster.ca against the node's own API server. */
export async function localApiClient(config: ConfigBundle): Promise<KubeClient> {
  const endpoint = kubeEndpointFromKubeconfig(await adminKubeconfig(config));
  return new KubeClient({ ...endpoint, server: LocalApiServer });
}

async function applyAll(ctx: ControllerContext, client: KubeApplier, ids: string[]): Promise<void> {
  for (const id of ids) {
    const m = await ctx.get(Manifest, id);
    for (const item of m.spec.items) {
      try {
        await client.apply(item as KubeObject, { signal: ctx.signal });
      } catch (err) {
        const o = item as Partial<KubeObject>;
        throw new Error(`manifest ${id}: ${o.kind ?? '?'} ${o.metadata?.name ?? '?'}`, { cause: err });
      }
    }
  }
}

function chain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(': ');
}

export function manifestApplyController(options: ManifestApplyOptions = {}): Controller {
  const makeClient = options.client ?? localApiClient;
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  return {
    name: 'k8s.ManifestApplyController',
    inputs: [weak(Manifest), weak(MachineConfig)],
    outputs: [exclusive(ManifestStatus)],
    async run(ctx) {
      let client: KubeApplier | undefined;
      let clientFor = -1;
      let delay = backoff.initialMs;
      let failures = 0;
      let timer: NodeJS.Timeout | undefined;
      try {
        for await (const _ of ctx.changes()) {
          clearTimeout(timer);
          const res = await ctx.find(MachineConfig, MachineConfigId);
          const config = res === undefined ? undefined : parseMachineConfig(res.spec);
          const ids = (await ctx.list(Manifest)).map((m) => m.metadata.id).sort();
          if (res === undefined || config?.isControlPlane() !== true || ids.length === 0) continue;
          try {
            if (client === undefined || clientFor !== res.metadata.version) {
              client?.close();
              client = undefined;
              client = await makeClient(config);
              clientFor = res.metadata.version;
            }
            await applyAll(ctx, client, ids);
            await ctx.modify({ type: ManifestStatus, id: ManifestStatusId }, (spec) => {
              spec.manifestsApplied = ids;
            });
            if (failures > 0) ctx.logger.info('bootstrap manifests applied', { attempts: failures + 1 });
            delay = backoff.initialMs;
            failures = 0;
          } catch (err) {
            if (ctx.signal.aborted) return;
            // a fresh client next time: the failure may be its own (a certificate the API refuses)
            client?.close();
            client = undefined;
            failures++;
            // the API server takes a while to come up: say so once, then every tenth attempt
            if (failures === 1 || failures % 10 === 0) {
              ctx.logger.warn('applying bootstrap manifests, will retry', {
                error: chain(err),
                attempt: failures,
                retryMs: delay,
              });
            }
            timer = setTimeout(() => {
              ctx.queueReconcile();
            }, delay);
            delay = Math.min(delay * 2, backoff.maxMs);
          }
        }
      } finally {
        clearTimeout(timer);
        client?.close();
      }
    },
  };
}
