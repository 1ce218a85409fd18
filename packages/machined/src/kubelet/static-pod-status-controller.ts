// StaticPodStatus on control planes: the status of every pod the local kubelet runs from its
// manifest files, read from the kubelet's own API (GET https://127.0.0.1:10250/pods) every 10 s and
// when the static pods change, so it answers even while the API server is down. The client is an
// admin certificate from cluster.ca (the kubelet trusts that CA and asks the API server whether
// system:masters may read pods, which it may); the server is checked against the kubelet's own
// self-signed serving certificate. A kubelet that does not answer yet leaves the last statuses.
import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { adminKubeconfig, kubeEndpointFromKubeconfig, type ConfigBundle } from '@bronze/machinery';
import { exclusive, weak, type Controller } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { StaticPod } from '../kubernetes/kubernetes-resources.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { StaticPodStatus } from './kubelet-resources.ts';

/** The pods the kubelet runs (its /pods answer, a v1 PodList's items). */
export type KubeletPods = (config: ConfigBundle, signal: AbortSignal) => Promise<unknown[]>;

export interface StaticPodStatusOptions {
  root: string;
  /** Default: the local kubelet over HTTPS (kubeletPods). */
  pods?: KubeletPods;
  /** How often to ask: default 10 s. */
  intervalMs?: number;
}

export const KubeletApi = 'https://127.0.0.1:10250';

/** GET /pods of the kubelet at `server`, with `client` (cert, key PEM) and its serving certificate as the only trust. */
export function getKubeletPods(
  server: string,
  tls: { ca: string; cert: string; key: string },
  signal: AbortSignal,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}/pods`,
      {
        ...tls,
        // Loopback and a pinned self-signed certificate: its names do not matter, its key does.
        checkServerIdentity: () => undefined,
        signal,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(new Error(`kubelet ${server}/pods: HTTP ${String(res.statusCode)} ${body.slice(0, 200)}`));
            return;
          }
          try {
            const list = JSON.parse(body) as { items?: unknown[] };
            resolve(list.items ?? []);
          } catch (err) {
            reject(new Error(`kubelet ${server}/pods: not JSON`, { cause: err }));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`kubelet ${server}/pods: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** The local kubelet's pods with an admin certificate, made once per config. */
function localKubeletPods(root: string): KubeletPods {
  let made: { config: ConfigBundle; cert: string; key: string } | undefined;
  return async (config, signal) => {
    if (made?.config !== config) {
      const endpoint = kubeEndpointFromKubeconfig(await adminKubeconfig(config));
      made = { config, cert: endpoint.cert, key: endpoint.key };
    }
    const ca = await readFile(join(root, 'var/lib/kubelet/pki/kubelet.crt'), 'utf8').catch(() => {
      throw new Error('the kubelet has no serving certificate yet (var/lib/kubelet/pki/kubelet.crt)');
    });
    return getKubeletPods(KubeletApi, { ca, cert: made.cert, key: made.key }, signal);
  };
}

interface PodLike {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  status?: Record<string, unknown>;
}

export function staticPodStatusController(options: StaticPodStatusOptions): Controller {
  const pods = options.pods ?? localKubeletPods(options.root);
  const intervalMs = options.intervalMs ?? 10_000;
  return {
    name: 'k8s.StaticPodStatusController',
    inputs: [weak(MachineConfig), weak(StaticPod)],
    outputs: [exclusive(StaticPodStatus)],
    async run(ctx) {
      let timer: NodeJS.Timeout | undefined;
      let lastError = '';
      // One parse per config version: the same bundle lets the client keep its certificate.
      let parsed: { version: number; config: ConfigBundle | undefined } | undefined;
      try {
        for await (const _ of ctx.changes()) {
          clearTimeout(timer);
          const res = await ctx.find(MachineConfig, MachineConfigId);
          if (res !== undefined && parsed?.version !== res.metadata.version)
            parsed = { version: res.metadata.version, config: parseMachineConfig(res.spec) };
          const config = res === undefined ? undefined : parsed?.config;
          if (config?.isControlPlane() !== true) {
            ctx.startTrackingOutputs();
            await ctx.cleanupOutputs();
            continue;
          }
          try {
            const items = (await pods(config, ctx.signal)) as PodLike[];
            ctx.startTrackingOutputs();
            for (const pod of items) {
              const m = pod.metadata;
              if (m?.annotations?.['kubernetes.io/config.source'] !== 'file') continue;
              const status = pod.status ?? {};
              await ctx.modify({ type: StaticPodStatus, id: `${m.namespace ?? 'default'}/${m.name ?? ''}` }, (spec) => {
                spec.podStatus = status;
              });
            }
            await ctx.cleanupOutputs();
            if (lastError !== '') ctx.logger.info('the kubelet answers again: static pod statuses follow');
            lastError = '';
          } catch (err) {
            if (ctx.signal.aborted) return;
            const message = err instanceof Error ? err.message : String(err);
            if (message !== lastError) ctx.logger.info('static pod statuses wait for the kubelet', { error: message });
            lastError = message;
          }
          timer = setTimeout(() => {
            ctx.queueReconcile();
          }, intervalMs);
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
