// The bootstrap manifests of a cluster, one group per Manifest resource, named as Talos names them;
// applied in name order (RBAC and the token first, then the CNI, then kube-proxy and CoreDNS).
import { stringify } from 'yaml';
import type { KubeObject } from './k8s-client.ts';
import {
  bootstrapTokenManifest,
  csrApproverManifest,
  csrNodeBootstrapManifest,
  csrRenewalManifest,
} from './manifests-bootstrap-rbac.ts';
import { coreDnsManifest, coreDnsServiceManifest } from './manifests-coredns.ts';
import { flannelManifest } from './manifests-flannel.ts';
import { kubeProxyManifest } from './manifests-kube-proxy.ts';
import type { ManifestInput } from './manifests-input.ts';

export interface BootstrapManifest {
  /** The Manifest resource id, e.g. 10-kube-proxy. */
  id: string;
  objects: KubeObject[];
}

/** Every manifest group for `input`, sorted by id; disabled components are left out. */
export function bootstrapManifests(input: ManifestInput): BootstrapManifest[] {
  const groups: BootstrapManifest[] = [
    { id: '00-kubelet-bootstrapping-token', objects: bootstrapTokenManifest(input) },
    { id: '01-csr-approver-role-binding', objects: csrApproverManifest() },
    { id: '01-csr-node-bootstrap', objects: csrNodeBootstrapManifest() },
    { id: '01-csr-renewal-role-binding', objects: csrRenewalManifest() },
  ];
  if (input.cni === 'flannel') groups.push({ id: '05-flannel', objects: flannelManifest(input) });
  if (!input.proxy.disabled) groups.push({ id: '10-kube-proxy', objects: kubeProxyManifest(input) });
  if (!input.coreDns.disabled) {
    groups.push({ id: '11-core-dns', objects: coreDnsManifest(input) });
    groups.push({ id: '11-core-dns-svc', objects: coreDnsServiceManifest(input) });
  }
  return groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A group as one multi-document YAML text (what `kubectl apply -f` would take). */
export function manifestYaml(manifest: BootstrapManifest): string {
  return manifest.objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
}
