// Node bootstrapping, as kubeadm and Talos set it up: the bootstrap token Secret of cluster.token,
// the node-bootstrapper role for bootstrappers, and automatic approval of kubelet client CSRs
// (bootstrappers' first certificate, nodes' renewals).
import type { KubeObject } from './k8s-client.ts';
import type { ManifestInput } from './manifests-input.ts';

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** 00-kubelet-bootstrapping-token: Secret bootstrap-token-ID in kube-system. */
export function bootstrapTokenManifest(input: ManifestInput): KubeObject[] {
  const [id = '', secret = ''] = input.token.split('.');
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
      data: {
        'token-id': b64(id),
        'token-secret': b64(secret),
        'usage-bootstrap-authentication': b64('true'),
        'auth-extra-groups': b64('system:bootstrappers:nodes'),
      },
    },
  ];
}

function groupBinding(name: string, role: string, group: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  };
}

/** 01-csr-node-bootstrap: bootstrappers may create CSRs. */
export function csrNodeBootstrapManifest(): KubeObject[] {
  return [groupBinding('system-bootstrap-node-bootstrapper', 'system:node-bootstrapper', 'system:bootstrappers')];
}

/** 01-csr-approver-role-binding: a bootstrapper's node client CSR is approved automatically. */
export function csrApproverManifest(): KubeObject[] {
  return [
    groupBinding(
      'system-bootstrap-approve-node-client-csr',
      'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      'system:bootstrappers',
    ),
  ];
}

/** 01-csr-renewal-role-binding: a node's renewal of its own client certificate is approved automatically. */
export function csrRenewalManifest(): KubeObject[] {
  return [
    groupBinding(
      'system-bootstrap-node-renewal',
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      'system:nodes',
    ),
  ];
}
