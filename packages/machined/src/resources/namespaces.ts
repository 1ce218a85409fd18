// The namespaces a node's resources live in (Talos's names), and which of them survive a restart.
export const Namespaces = {
  runtime: 'runtime',
  network: 'network',
  config: 'config',
  secrets: 'secrets',
  meta: 'meta',
  etcd: 'etcd',
  controlplane: 'controlplane',
  k8s: 'k8s',
} as const;

export const NamespaceDescriptions: Readonly<Record<string, string>> = {
  runtime: 'Talos runtime resources.',
  network: 'Networking resources.',
  config: 'Talos node configuration.',
  secrets: 'Resources with secret material.',
  meta: 'Metadata namespace which is unique to COSI.',
  etcd: 'etcd resources.',
  controlplane: 'Kubernetes control plane resources.',
  k8s: 'Kubernetes all node types resources.',
};

/** Namespaces kept by the durable backend: the config (and the secrets issued from it). */
export const DurableNamespaces: readonly string[] = [Namespaces.config, Namespaces.secrets];
