// The kubelet's bootstrap kubeconfig on any node, worker or control plane: the cluster's endpoint,
// the Kubernetes CA certificate (cluster.ca.crt, which a worker's config holds without the key) and
// the bootstrap token (cluster.token) the kubelet sends its first CSR with.
import type { ConfigBundle } from '../config/bundle.ts';
import { base64ToPem } from '../pki/pem.ts';
import { componentKubeconfig } from './component-kubeconfig.ts';
import { KubernetesPkiError } from './kubernetes-root-secrets.ts';

/** The user name of the bootstrap token in the kubeconfig, as Talos writes it. */
export const KubeletBootstrapUser = 'kubelet-bootstrap';

export function kubeletBootstrapKubeconfig(config: ConfigBundle): string {
  const cluster = config.v1alpha1()?.cluster;
  const need = (value: string | undefined, path: string): string => {
    if (value === undefined || value === '') {
      throw new KubernetesPkiError(
        `the config has no ${path}, which the kubelet's bootstrap kubeconfig needs: generate the config with \`osctl gen config\``,
      );
    }
    return value;
  };
  const endpoint = need(cluster?.controlPlane?.endpoint, 'cluster.controlPlane.endpoint');
  const token = need(cluster?.token, 'cluster.token');
  const caPem = base64ToPem(need(cluster?.ca?.crt, 'cluster.ca.crt'), 'cluster.ca.crt');
  return componentKubeconfig({
    clusterName: cluster?.clusterName ?? 'kubernetes',
    server: endpoint,
    caPem,
    user: KubeletBootstrapUser,
    credentials: { token },
  });
}
