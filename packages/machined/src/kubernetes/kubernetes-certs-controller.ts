// KubernetesCerts: every file of system/secrets/kubernetes, issued from KubernetesRootSecrets for the
// node's addresses and hostname. Issued again only when what they were issued from changes, or at
// half the certificates' lifetime; otherwise the stored resource (durable: the secrets namespace)
// is kept, so a restart of machined does not re-issue anything.
import { createHash } from 'node:crypto';
import { issueKubernetesSecrets, KubernetesCertLifetimeMs } from '@bronze/machinery';
import { exclusive, weak, type Controller, type ControllerContext } from '@bronze/runtime';
import { HostnameStatus, HostnameStatusId, NodeAddress, NodeAddressIds } from '../resources/network-resources.ts';
import {
  KubernetesCerts,
  KubernetesCertsId,
  KubernetesRootSecrets,
  KubernetesRootSecretsId,
  type KubernetesRootSecretsSpec,
} from './kubernetes-resources.ts';

export interface KubernetesCertsControllerOptions {
  lifetimeMs?: number;
  now?: () => number;
}

interface Inputs {
  root: KubernetesRootSecretsSpec;
  addresses: string[];
  hostname: string;
  digest: string;
}

export function kubernetesCertsController(options: KubernetesCertsControllerOptions = {}): Controller {
  const lifetimeMs = options.lifetimeMs ?? KubernetesCertLifetimeMs;
  const now = options.now ?? Date.now;
  return {
    name: 'secrets.KubernetesCertsController',
    inputs: [weak(KubernetesRootSecrets), weak(NodeAddress), weak(HostnameStatus)],
    outputs: [exclusive(KubernetesCerts)],
    async run(ctx) {
      let timer: NodeJS.Timeout | undefined;
      const wakeIn = (ms: number): void => {
        clearTimeout(timer);
        // setTimeout's limit is about 24.8 days: a longer wait wakes early and sleeps again.
        timer = setTimeout(
          () => {
            ctx.queueReconcile();
          },
          Math.min(Math.max(ms, 0), 2 ** 31 - 1),
        );
      };
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
      });
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        const inputs = await readInputs(ctx);
        if (inputs !== undefined) await reconcile(ctx, inputs, { lifetimeMs, now: now(), wakeIn });
        await ctx.cleanupOutputs();
      }
    },
  };
}

async function reconcile(
  ctx: ControllerContext,
  inputs: Inputs,
  options: { lifetimeMs: number; now: number; wakeIn: (ms: number) => void },
): Promise<void> {
  const current = await ctx.find(KubernetesCerts, KubernetesCertsId);
  const renewAt = current === undefined ? NaN : Date.parse(current.spec.renewAt);
  if (current?.spec.inputs === inputs.digest && options.now < renewAt) {
    // Still good: keep it (modify with no change keeps it tracked as an output).
    await ctx.modify({ type: KubernetesCerts, id: KubernetesCertsId }, () => undefined);
    options.wakeIn(renewAt - options.now);
    return;
  }
  const files = await issueKubernetesSecrets(inputs.root, {
    addresses: inputs.addresses,
    hostname: inputs.hostname,
    now: new Date(options.now),
    lifetimeMs: options.lifetimeMs,
  });
  const next = options.now + options.lifetimeMs / 2;
  await ctx.modify({ type: KubernetesCerts, id: KubernetesCertsId }, (spec) => {
    spec.files = files;
    spec.inputs = inputs.digest;
    spec.issuedAt = new Date(options.now).toISOString();
    spec.renewAt = new Date(next).toISOString();
  });
  ctx.logger.info('issued the kubernetes certificates', {
    reason: current === undefined ? 'none yet' : current.spec.inputs === inputs.digest ? 'half-life' : 'inputs changed',
    renewAt: new Date(next).toISOString(),
  });
  options.wakeIn(next - options.now);
}

async function readInputs(ctx: ControllerContext): Promise<Inputs | undefined> {
  const root = await ctx.find(KubernetesRootSecrets, KubernetesRootSecretsId);
  const addr = await ctx.find(NodeAddress, NodeAddressIds.default);
  const host = await ctx.find(HostnameStatus, HostnameStatusId);
  if (root === undefined || addr === undefined || host === undefined) return undefined;
  const addresses = addr.spec.addresses.map((a) => a.split('/')[0] ?? a);
  const hostname = host.spec.hostname;
  const digest = createHash('sha256')
    .update(JSON.stringify([root.spec, addresses, hostname]))
    .digest('hex');
  return { root: root.spec, addresses, hostname, digest };
}
