// The bootstrap manifests as resources (Talos's types, controlplane namespace): one Manifest per
// group (00-kubelet-bootstrapping-token, 05-flannel, ...) holding its objects, and one
// ManifestStatus naming the groups applied to the cluster's API.
import { defineResource } from '@bronze/runtime';
import { Namespaces } from '../resources/namespaces.ts';

export interface ManifestSpec {
  /** The Kubernetes objects of the group, as applied. */
  items: Record<string, unknown>[];
}

export const Manifest = defineResource<ManifestSpec>({
  type: 'Manifests.kubernetes.talos.dev',
  defaultNamespace: Namespaces.controlplane,
  empty: () => ({ items: [] }),
  printColumns: [{ name: 'Items', jsonPath: '{.items[*].kind}' }],
});

export interface ManifestStatusSpec {
  /** The ids of the Manifests applied, in order. */
  manifestsApplied: string[];
}

export const ManifestStatus = defineResource<ManifestStatusSpec>({
  type: 'ManifestStatuses.kubernetes.talos.dev',
  defaultNamespace: Namespaces.controlplane,
  empty: () => ({ manifestsApplied: [] }),
  printColumns: [{ name: 'Applied', jsonPath: '{.manifestsApplied[*]}' }],
});

export const ManifestStatusId = 'manifests';
