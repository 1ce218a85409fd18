/** The Talos release whose config format and defaults `gen config` follows. */
export const DefaultTalosVersion = 'v1.11.3';
/** Kubernetes version `gen config` targets unless --kubernetes-version says otherwise. */
export const DefaultKubernetesVersion = '1.34.10';

export const DefaultInstallDisk = '/dev/sda';
export const DefaultInstallImage = `ghcr.io/siderolabs/installer:${DefaultTalosVersion}`;
export const DefaultDnsDomain = 'cluster.local';
export const DefaultPodSubnets: readonly string[] = ['10.244.0.0/16'];
export const DefaultServiceSubnets: readonly string[] = ['10.96.0.0/12'];
export const DefaultKubePrismPort = 7445;
export const DefaultControlPlanePort = 6443;

/** Container images of the Kubernetes components at a version (without the leading v). */
export function kubernetesImages(version: string): {
  kubelet: string;
  apiServer: string;
  controllerManager: string;
  scheduler: string;
  proxy: string;
} {
  const tag = `v${version.replace(/^v/, '')}`;
  return {
    kubelet: `ghcr.io/siderolabs/kubelet:${tag}`,
    apiServer: `registry.k8s.io/kube-apiserver:${tag}`,
    controllerManager: `registry.k8s.io/kube-controller-manager:${tag}`,
    scheduler: `registry.k8s.io/kube-scheduler:${tag}`,
    proxy: `registry.k8s.io/kube-proxy:${tag}`,
  };
}
