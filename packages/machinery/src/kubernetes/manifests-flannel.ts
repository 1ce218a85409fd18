// 05-flannel: flanneld as a host-network DaemonSet in kube-system, allocating each node's subnet from
// its spec.podCIDR (--kube-subnet-mgr) and masquerading traffic leaving the pod network.
//
// The flannel CNI plugin ships in the node image (/opt/cni/bin/flannel) and the component images are
// scratch images with a single binary: there is no `cp` for upstream's install-cni init container,
// and flanneld cannot write CNI configuration. So the node writes the conflist itself: the CRI
// controller renders flannelCniConflist() into /etc/cni/net.d/10-flannel.conflist. The same text
// is in the ConfigMap (cni-conf.json) so that both always agree.
import type { KubeObject } from './k8s-client.ts';
import type { ManifestInput } from './manifests-input.ts';

const ns = 'kube-system';
const labels = { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' };

export const FlannelCniConfPath = 'etc/cni/net.d/10-flannel.conflist';

/** net-conf.json: the pod network(s) and the vxlan backend. */
export function flannelNetConf(input: ManifestInput): Record<string, unknown> {
  const v4 = input.podSubnets.find((s) => !s.includes(':'));
  const v6 = input.podSubnets.find((s) => s.includes(':'));
  return {
    ...(v4 === undefined ? { EnableIPv4: false } : { Network: v4 }),
    ...(v6 === undefined ? {} : { EnableIPv6: true, IPv6Network: v6 }),
    Backend: { Type: 'vxlan', Port: 4789 },
  };
}

/** The CNI conflist (spec 0.3.1: the plugins' v0.9.1 speaks up to 0.4.0). */
export function flannelCniConflist(): string {
  const conf = {
    name: 'cbr0',
    cniVersion: '0.3.1',
    plugins: [
      { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conf, undefined, 2)}\n`;
}

function daemonSet(input: ManifestInput): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-flannel', namespace: ns, labels },
    spec: {
      selector: { matchLabels: { app: 'flannel' } },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'flannel',
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'kube-flannel',
              image: input.flannelImage,
              imagePullPolicy: 'IfNotPresent',
              command: ['/opt/bin/flanneld'],
              args: ['--ip-masq', '--kube-subnet-mgr', ...input.flannelExtraArgs],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'EVENT_QUEUE_DEPTH', value: '5000' },
              ],
              securityContext: { privileged: true },
              resources: { requests: { cpu: '100m', memory: '50Mi' } },
              volumeMounts: [
                { name: 'run', mountPath: '/run/flannel' },
                { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
                { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
              ],
            },
          ],
          volumes: [
            { name: 'run', hostPath: { path: '/run/flannel' } },
            { name: 'flannel-cfg', configMap: { name: 'kube-flannel-cfg' } },
            { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
          ],
        },
      },
    },
  };
}

/** 05-flannel: ServiceAccount, ClusterRole and binding, ConfigMap kube-flannel-cfg, DaemonSet. */
export function flannelManifest(input: ManifestInput): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flannel', namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'flannel' },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'flannel' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flannel' },
      subjects: [{ kind: 'ServiceAccount', name: 'flannel', namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-flannel-cfg', namespace: ns, labels },
      data: {
        'cni-conf.json': flannelCniConflist(),
        'net-conf.json': `${JSON.stringify(flannelNetConf(input), undefined, 2)}\n`,
      },
    },
    daemonSet(input),
  ];
}
