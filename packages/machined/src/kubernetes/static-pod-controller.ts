// StaticPods of the control plane: kube-apiserver, kube-controller-manager and kube-scheduler,
// rendered from their configs once the PKI files are written (SecretsStatus; their flags name the
// files, and a kubelet that started a pod before them would see it exit). Each pod changes only
// when its own config changes, or when the PKI is re-issued (the secrets-version annotation makes
// the kubelet restart it with the new files).
import { apiServerPod, controllerManagerPod, schedulerPod, type PodManifest } from '@bronze/machinery';
import { exclusive, weak, type Controller, type ControllerContext, type ResourceType } from '@bronze/runtime';
import {
  APIServerConfig,
  ControlPlaneIds,
  ControllerManagerConfig,
  KubernetesCerts,
  KubernetesCertsId,
  SchedulerConfig,
  SecretsStatus,
  SecretsStatusId,
  StaticPod,
} from './kubernetes-resources.ts';

export interface StaticPodControllerOptions {
  /** The PKI directory on the host, as the kubelet mounts it: ROOT/system/secrets/kubernetes. */
  hostSecretsDir: string;
  /** ROOT/system/config/kubernetes/kube-apiserver and ROOT/var/log/audit/kube. */
  hostConfigDir: string;
  hostAuditLogDir: string;
}

export function staticPodController(options: StaticPodControllerOptions): Controller {
  return {
    name: 'k8s.ControlPlaneStaticPodController',
    inputs: [
      weak(APIServerConfig),
      weak(ControllerManagerConfig),
      weak(SchedulerConfig),
      weak(KubernetesCerts),
      weak(SecretsStatus),
    ],
    outputs: [exclusive(StaticPod)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const certs = await ctx.find(KubernetesCerts, KubernetesCertsId);
        const written = await ctx.find(SecretsStatus, SecretsStatusId);
        const filesReady = written?.spec.ready === true && written.spec.version === certs?.spec.issuedAt;
        // Re-issued certificates not on disk yet: keep the pods as they are until they are.
        if (certs !== undefined && !filesReady) continue;
        ctx.startTrackingOutputs();
        if (certs !== undefined) {
          const render = { ...options, secretsVersion: certs.spec.issuedAt };
          const pods: [string, PodManifest | undefined][] = [
            [
              ControlPlaneIds.apiServer,
              await renderWith(ctx, APIServerConfig, ControlPlaneIds.apiServer, (s) => apiServerPod(s, render)),
            ],
            [
              ControlPlaneIds.controllerManager,
              await renderWith(ctx, ControllerManagerConfig, ControlPlaneIds.controllerManager, (s) =>
                controllerManagerPod(s, render),
              ),
            ],
            [
              ControlPlaneIds.scheduler,
              await renderWith(ctx, SchedulerConfig, ControlPlaneIds.scheduler, (s) => schedulerPod(s, render)),
            ],
          ];
          for (const [id, pod] of pods) {
            if (pod === undefined) continue;
            await ctx.modify({ type: StaticPod, id }, (spec) => {
              spec.pod = pod;
            });
          }
        }
        await ctx.cleanupOutputs();
      }
    },
  };
}

async function renderWith<S>(
  ctx: ControllerContext,
  type: ResourceType<S>,
  id: string,
  render: (spec: S) => PodManifest,
): Promise<PodManifest | undefined> {
  const res = await ctx.find(type, id);
  return res === undefined ? undefined : render(res.spec);
}
