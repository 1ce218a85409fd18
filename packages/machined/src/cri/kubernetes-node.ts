// The node side of Kubernetes in one place for boot.ts: the writable directories behind the image's
// links (/etc/kubernetes -> /system/etc/kubernetes, /etc/machine-id -> /system/etc/machine-id: the
// root is read-only and /system is a tmpfs, so they are re-made at every boot), and the `cri` and
// `kubelet` services with the kubelet's controllers and the registry hosts, on platforms that do not
// skip them.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigBundle } from '@bronze/machinery';
import type { Controller } from '@bronze/runtime';
import type { Platform } from '../platform/platform.ts';
import type { ServiceSpec } from '../services/service.ts';
import { kubeletControllers } from '../kubelet/kubelet-controllers.ts';
import { KubeletRun } from '../kubelet/kubelet-run.ts';
import { kubeletService, KubeletServiceId } from '../kubelet/kubelet-service.ts';
import { criPaths } from './cri-config.ts';
import { criService, CriServiceId } from './cri-service.ts';
import { registryHostsController } from './registry-hosts-controller.ts';

/** Makes the directories the image's /etc links point at (under the platform root). */
export async function prepareKubernetesDirs(root: string): Promise<void> {
  for (const dir of ['system/etc/kubernetes', 'system/etc/cni/net.d', 'system/etc/cri'])
    await mkdir(join(root, dir), { recursive: true, mode: 0o755 });
}

function serviceEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/bin:/usr/sbin:/bin:/sbin:/opt/cni/bin' };
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

export interface KubernetesNode {
  services: ServiceSpec[];
  controllers(restart: (id: string) => Promise<void>): Controller[];
}

export function kubernetesNode(options: { platform: Platform; config: ConfigBundle | undefined }): KubernetesNode {
  const { platform, config } = options;
  const skipped = platform.skippedServices;
  if (config === undefined || skipped.has(CriServiceId) || skipped.has(KubeletServiceId))
    return { services: [], controllers: () => [] };
  const run = new KubeletRun();
  const env = serviceEnv();
  const controlPlane = config.isControlPlane();
  return {
    services: [criService({ platform, config, env }), kubeletService({ platform, controlPlane, run, env })],
    controllers: (restart) => [
      ...kubeletControllers({ root: platform.paths.root, run, restart: () => restart(KubeletServiceId) }),
      registryHostsController({ hostsDir: criPaths(platform.paths.root).registryHostsDir }),
    ],
  };
}
