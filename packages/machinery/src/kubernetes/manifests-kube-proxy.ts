// 10-kube-proxy: kube-proxy as a host-network, privileged DaemonSet on every node, configured by a
// KubeProxyConfiguration and a kubeconfig (the pod's service-account token against the control-plane
// endpoint: the Service IP of the API server works only once kube-proxy runs).
import { stringify } from 'yaml';
import type { KubeObject } from './k8s-client.ts';
import type { ManifestInput } from './manifests-input.ts';

const ns = 'kube-system';
const labels = { 'k8s-app': 'kube-proxy', tier: 'node' };

export function kubeProxyConfiguration(input: ManifestInput): Record<string, unknown> {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    bindAddress: '0.0.0.0',
    clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' },
    clusterCIDR: input.podSubnets.join(','),
    mode: input.proxy.mode,
    // 0: leave nf_conntrack_max alone (a node container cannot set it)
    conntrack: { maxPerCore: 0 },
    metricsBindAddress: '0.0.0.0:10249',
  };
}

function inClusterKubeconfig(endpoint: string): string {
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'default', cluster: { server: endpoint, 'certificate-authority': `${sa}/ca.crt` } }],
    users: [{ name: 'default', user: { tokenFile: `${sa}/token` } }],
    contexts: [{ name: 'default', context: { cluster: 'default', namespace: 'default', user: 'default' } }],
    'current-context': 'default',
  });
}

function proxyArgs(input: ManifestInput): string[] {
  const args = ['--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'];
  for (const [k, v] of Object.entries(input.proxy.extraArgs)) {
    for (const value of typeof v === 'string' ? [v] : v) args.push(`--${k}=${value}`);
  }
  return args;
}

function daemonSet(input: ManifestInput): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: ns, labels },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'kube-proxy',
              image: input.proxy.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['/usr/local/bin/kube-proxy'],
              args: proxyArgs(input),
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              securityContext: { privileged: true },
              volumeMounts: [
                { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
                { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
            { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
            { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
          ],
        },
      },
    },
  };
}

/** 10-kube-proxy: ServiceAccount, ClusterRoleBinding to system:node-proxier, ConfigMap, DaemonSet. */
export function kubeProxyManifest(input: ManifestInput): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kube-proxy' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' },
      subjects: [{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-proxy', namespace: ns, labels: { app: 'kube-proxy' } },
      data: {
        'config.conf': stringify(kubeProxyConfiguration(input)),
        'kubeconfig.conf': inClusterKubeconfig(input.endpoint),
      },
    },
    daemonSet(input),
  ];
}
