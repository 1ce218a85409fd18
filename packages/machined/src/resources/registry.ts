// Every resource type a node serves, registered once: the COSI server looks types up here (for
// sensitivity), and the meta controller publishes them as ResourceDefinitions.
import {
  DefinitionRegistry,
  Namespaces as Namespace,
  ResourceDefinitions,
  type ResourceDefinition,
} from '@bronze/runtime';
import { HostnameStatus, NodeAddress } from './network-resources.ts';
import { MachineConfig, MachineType } from './config-resources.ts';
import { Endpoint, EtcdMember, EtcdSpec } from './etcd-resources.ts';
import { MachineStatus, Service, Version } from './runtime-resources.ts';
import { ApiCertificates, OSRootSecrets } from './secrets-resources.ts';
import {
  APIServerConfig,
  ControllerManagerConfig,
  KubernetesCerts,
  KubernetesRootSecrets,
  SchedulerConfig,
  SecretsStatus,
  StaticPod,
} from '../kubernetes/kubernetes-resources.ts';
import { Manifest, ManifestStatus } from '../kubernetes/manifest-resources.ts';
import { KubeletConfig, KubeletSpec, Nodename, StaticPodStatus } from '../kubelet/kubelet-resources.ts';

export const NodeResourceDefinitions: readonly ResourceDefinition[] = [
  MachineStatus,
  Service,
  Version,
  HostnameStatus,
  NodeAddress,
  MachineConfig,
  MachineType,
  ApiCertificates,
  OSRootSecrets,
  EtcdSpec,
  EtcdMember,
  Endpoint,
  KubernetesRootSecrets,
  KubernetesCerts,
  APIServerConfig,
  ControllerManagerConfig,
  SchedulerConfig,
  SecretsStatus,
  StaticPod,
  Manifest,
  ManifestStatus,
  KubeletConfig,
  KubeletSpec,
  Nodename,
  StaticPodStatus,
  Namespace,
  ResourceDefinitions,
].map((t) => t.definition);

export function nodeResourceRegistry(): DefinitionRegistry {
  const registry = new DefinitionRegistry();
  for (const d of NodeResourceDefinitions) registry.register(d);
  return registry;
}
