// Labels a control plane's Node `node-role.kubernetes.io/control-plane` (as Talos does): the kubelet
// may not set labels in that namespace itself (NodeRestriction), so machined applies it with the
// node's admin kubeconfig once the kubelet has registered the Node. Retries until it is applied.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient, kubeEndpointFromKubeconfig } from '@bronze/machinery';
import { weak, type Controller } from '@bronze/runtime';
import { KubeletConfig, KubeletId, KubeletSpec } from './kubelet-resources.ts';

export const ControlPlaneRoleLabel = 'node-role.kubernetes.io/control-plane';

export interface NodeLabelsOptions {
  root: string;
  /** Between attempts; 3 s unless told. */
  retryMs?: number;
}

type LabelOutcome = { done: true } | { done: false; why: string };

async function labelNode(root: string, node: string, signal: AbortSignal): Promise<LabelOutcome> {
  const path = join(root, 'system/secrets/kubernetes/admin.kubeconfig');
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return { done: false, why: `no admin kubeconfig at ${path} yet` };
  const kube = new KubeClient(kubeEndpointFromKubeconfig(text, { source: path }), { timeoutMs: 10_000 });
  try {
    const existing = await kube.find({ apiVersion: 'v1', kind: 'Node', name: node }, { signal });
    if (existing === undefined) return { done: false, why: `node ${node} is not registered yet` };
    const labels = (existing.metadata['labels'] ?? {}) as Record<string, string>;
    if (labels[ControlPlaneRoleLabel] === undefined) {
      await kube.apply(
        { apiVersion: 'v1', kind: 'Node', metadata: { name: node, labels: { [ControlPlaneRoleLabel]: '' } } },
        { signal },
      );
    }
    return { done: true };
  } finally {
    kube.close();
  }
}

export function nodeLabelsController(options: NodeLabelsOptions): Controller {
  return {
    name: 'k8s.NodeLabelsApplyController',
    inputs: [weak(KubeletConfig), weak(KubeletSpec)],
    outputs: [],
    async run(ctx) {
      let labelled = '';
      for await (const _ of ctx.changes()) {
        const cfg = await ctx.find(KubeletConfig, KubeletId);
        const spec = await ctx.find(KubeletSpec, KubeletId);
        const node = spec?.spec.expectedNodename ?? '';
        if (cfg?.spec.controlPlane !== true || node === '' || node === labelled) continue;
        for (let logged = ''; !ctx.signal.aborted;) {
          const r = await labelNode(options.root, node, ctx.signal).catch((err: unknown): LabelOutcome => ({
            done: false,
            why: err instanceof Error ? err.message : String(err),
          }));
          if (r.done) {
            labelled = node;
            ctx.logger.info('labelled the node as a control plane', { node, label: ControlPlaneRoleLabel });
            break;
          }
          if (r.why !== logged) ctx.logger.info('waiting to label the node', { node, why: r.why });
          logged = r.why;
          await sleep(options.retryMs ?? 3000, undefined, { signal: ctx.signal }).catch(() => undefined);
        }
      }
    },
  };
}
