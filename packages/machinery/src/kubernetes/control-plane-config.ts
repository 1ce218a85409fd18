// What each control-plane component runs with, read from the machine config: image, extraArgs,
// extraVolumes and env of cluster.apiServer, cluster.controllerManager and cluster.scheduler, plus
// the cluster facts their flags need (endpoint, subnets, etcd). The data of Talos's APIServerConfig,
// ControllerManagerConfig and SchedulerConfig resources; a worker config has none of them.
import { isIPv6 } from 'node:net';
import type { ConfigBundle } from '../config/bundle.ts';
import {
  DefaultControlPlanePort,
  DefaultKubernetesVersion,
  DefaultPodSubnets,
  DefaultServiceSubnets,
  kubernetesImages,
} from '../generate/versions.ts';
import { DefaultAuditPolicy, type AdmissionPlugin } from './api-server-files.ts';

export interface ExtraVolume {
  hostPath: string;
  mountPath: string;
  readonly: boolean;
}

/** What every component shares: the config's image, extraArgs, extraVolumes and env. */
export interface ComponentConfig {
  image: string;
  extraArgs: Record<string, string | string[]>;
  extraVolumes: ExtraVolume[];
  env: Record<string, string>;
  /** cluster.<component>.resources: requests replace the defaults of the same name; limits as given. */
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

export interface APIServerConfigSpec extends ComponentConfig {
  /** cluster.controlPlane.endpoint: the service-account issuer and API audience. */
  controlPlaneEndpoint: string;
  /** The node's address: --advertise-address. */
  advertisedAddress: string;
  etcdServers: string[];
  localPort: number;
  serviceCIDRs: string[];
  /** cluster.apiServer.admissionControl: the plugins of the AdmissionConfiguration. */
  admissionControl: AdmissionPlugin[];
  /** cluster.apiServer.auditPolicy, or DefaultAuditPolicy. */
  auditPolicy: unknown;
}

export interface ControllerManagerConfigSpec extends ComponentConfig {
  podCIDRs: string[];
  serviceCIDRs: string[];
}

export type SchedulerConfigSpec = ComponentConfig;

type ComponentSection =
  | {
      image?: string;
      extraArgs?: Record<string, string | string[]>;
      extraVolumes?: Partial<ExtraVolume>[];
      env?: Record<string, string>;
      resources?: { requests?: unknown; limits?: unknown };
    }
  | undefined;

/** A requests or limits map as strings (`cpu: 1` is the quantity "1"); anything else is ignored. */
function quantities(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

function componentOf(section: ComponentSection, defaultImage: string): ComponentConfig {
  return {
    image: section?.image ?? defaultImage,
    extraArgs: { ...(section?.extraArgs ?? {}) },
    extraVolumes: (section?.extraVolumes ?? []).map((v) => ({
      hostPath: v.hostPath ?? '',
      mountPath: v.mountPath ?? v.hostPath ?? '',
      readonly: v.readonly ?? false,
    })),
    env: { ...(section?.env ?? {}) },
    resources: { requests: quantities(section?.resources?.requests), limits: quantities(section?.resources?.limits) },
  };
}

const images = kubernetesImages(DefaultKubernetesVersion);

/** The API server's config on a control plane whose etcd and API server listen at `address`. */
export function apiServerConfigOf(config: ConfigBundle, options: { address: string }): APIServerConfigSpec | undefined {
  if (!config.isControlPlane()) return undefined;
  const cluster = config.v1alpha1()?.cluster;
  const host = isIPv6(options.address) ? `[${options.address}]` : options.address;
  return {
    ...componentOf(cluster?.apiServer, images.apiServer),
    controlPlaneEndpoint: cluster?.controlPlane?.endpoint ?? '',
    advertisedAddress: options.address,
    etcdServers: [`https://${host}:2379`],
    localPort: cluster?.controlPlane?.localAPIServerPort ?? DefaultControlPlanePort,
    serviceCIDRs: [...(cluster?.network?.serviceSubnets ?? DefaultServiceSubnets)],
    admissionControl: (cluster?.apiServer?.admissionControl ?? []).map((p) => ({
      name: p.name ?? '',
      configuration: p.configuration ?? {},
    })),
    auditPolicy: cluster?.apiServer?.auditPolicy ?? DefaultAuditPolicy,
  };
}

export function controllerManagerConfigOf(config: ConfigBundle): ControllerManagerConfigSpec | undefined {
  if (!config.isControlPlane()) return undefined;
  const cluster = config.v1alpha1()?.cluster;
  return {
    ...componentOf(cluster?.controllerManager, images.controllerManager),
    podCIDRs: [...(cluster?.network?.podSubnets ?? DefaultPodSubnets)],
    serviceCIDRs: [...(cluster?.network?.serviceSubnets ?? DefaultServiceSubnets)],
  };
}

export function schedulerConfigOf(config: ConfigBundle): SchedulerConfigSpec | undefined {
  if (!config.isControlPlane()) return undefined;
  return componentOf(config.v1alpha1()?.cluster?.scheduler, images.scheduler);
}
