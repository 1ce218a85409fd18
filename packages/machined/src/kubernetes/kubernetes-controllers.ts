// The controllers that run a control plane's Kubernetes from the machine config (a worker's config
// makes them render nothing): PKI → system/secrets/kubernetes, static pods → etc/kubernetes/manifests.
import { join } from 'node:path';
import type { Controller } from '@bronze/runtime';
import { apiServerFilesController } from './api-server-files-controller.ts';
import { controlPlaneConfigController } from './control-plane-config-controller.ts';
import { kubernetesCertsController } from './kubernetes-certs-controller.ts';
import { kubernetesRootSecretsController } from './kubernetes-root-secrets-controller.ts';
import { kubernetesSecretFilesController } from './kubernetes-secret-files-controller.ts';
import { extraManifestController } from './extra-manifest-controller.ts';
import { manifestApplyController } from './manifest-apply-controller.ts';
import { manifestController } from './manifest-controller.ts';
import { staticPodController } from './static-pod-controller.ts';
import { staticPodFilesController } from './static-pod-files-controller.ts';

export interface KubernetesPaths {
  secretsDir: string;
  /** The API server's admission and audit policy files. */
  apiServerConfigDir: string;
  auditLogDir: string;
  manifestsDir: string;
}

/** Where the PKI, the API server's files and the manifests live under the platform root (docs/KUBERNETES.md). */
export function kubernetesPaths(root: string): KubernetesPaths {
  return {
    secretsDir: join(root, 'system/secrets/kubernetes'),
    apiServerConfigDir: join(root, 'system/config/kubernetes/kube-apiserver'),
    auditLogDir: join(root, 'var/log/audit/kube'),
    manifestsDir: join(root, 'etc/kubernetes/manifests'),
  };
}

export function kubernetesControllers(options: { root: string }): Controller[] {
  const paths = kubernetesPaths(options.root);
  return [
    kubernetesRootSecretsController(),
    kubernetesCertsController(),
    kubernetesSecretFilesController({ dir: paths.secretsDir }),
    controlPlaneConfigController(),
    apiServerFilesController({ dir: paths.apiServerConfigDir, auditLogDir: paths.auditLogDir }),
    staticPodController({
      hostSecretsDir: paths.secretsDir,
      hostConfigDir: paths.apiServerConfigDir,
      hostAuditLogDir: paths.auditLogDir,
    }),
    staticPodFilesController({ dir: paths.manifestsDir }),
    manifestController(),
    extraManifestController(),
    manifestApplyController(),
  ];
}
