// The `kubelet` service (container and metal platforms): after the cri service is healthy, once the
// kubelet's spec is rendered (and, on a control plane, once the static pod manifests exist, so the
// kubelet starts the control plane at once), it runs /usr/bin/kubelet with the spec's arguments.
// Healthy when the kubelet's healthz answers on 127.0.0.1:10248.
import { join } from 'node:path';
import type { Platform } from '../platform/platform.ts';
import { condition, fileExists, type Condition } from '../services/conditions.ts';
import { processRunner } from '../services/process-runner.ts';
import type { Runner } from '../services/runner.ts';
import type { ServiceSpec } from '../services/service.ts';
import { CriServiceId } from '../cri/cri-service.ts';
import type { KubeletRun } from './kubelet-run.ts';
import { kubeletPaths } from './kubelet-spec.ts';

export interface KubeletServiceOptions {
  platform: Platform;
  controlPlane: boolean;
  run: KubeletRun;
  env: Record<string, string>;
  killTimeoutMs?: number;
}

export const KubeletServiceId = 'kubelet';

function kubeletRunner(options: KubeletServiceOptions): Runner {
  const command = process.env['BRONZE_KUBELET_BINARY'] ?? '/usr/bin/kubelet';
  return {
    description: `process ${command}`,
    run: async (ctx) => {
      const { run } = options;
      if (run.spec === undefined) return { ok: false, message: 'the kubelet spec is not rendered yet' };
      run.running = run.digest;
      try {
        return await processRunner({
          command,
          args: run.spec.args,
          env: options.env,
          cwd: options.platform.paths.root,
          killTimeoutMs: options.killTimeoutMs ?? 10_000,
        }).run(ctx);
      } finally {
        run.running = undefined;
      }
    },
  };
}

async function healthz(signal: AbortSignal): Promise<void> {
  const res = await fetch('http://127.0.0.1:10248/healthz', {
    signal: AbortSignal.any([signal, AbortSignal.timeout(1500)]),
  });
  const body = await res.text();
  if (!res.ok || body.trim() !== 'ok')
    throw new Error(`kubelet healthz answered ${String(res.status)}: ${body.trim()}`);
}

export function kubeletService(options: KubeletServiceOptions): ServiceSpec {
  const conditions: Condition[] = [
    condition('the kubelet spec to be rendered', () => Promise.resolve(options.run.spec !== undefined)),
  ];
  if (options.controlPlane)
    conditions.push(fileExists(join(kubeletPaths(options.platform.paths.root).staticPodDir, 'kube-apiserver.yaml')));
  return {
    id: KubeletServiceId,
    dependsOn: [CriServiceId],
    conditions,
    health: { check: healthz, settings: { initialDelayMs: 1000, periodMs: 5000, timeoutMs: 2000 } },
    runner: kubeletRunner(options),
    restart: 'always',
    backoff: { initialMs: 1000, maxMs: 10_000 },
  };
}
