// Static pod manifests of the control plane, as Talos renders them: host network, priority class
// system-cluster-critical, the PKI directory mounted read-only, the flags Talos passes (extraArgs
// replace a default of the same name), the config's extraVolumes and env added.
import { stringify } from 'yaml';
import type {
  APIServerConfigSpec,
  ComponentConfig,
  ControllerManagerConfigSpec,
  SchedulerConfigSpec,
} from './control-plane-config.ts';
import { ApiServerConfigFile } from './api-server-files.ts';
import { KubernetesSecretFile as F } from './kubernetes-secrets.ts';

/** Where the PKI directory is on the node, and where the containers see it. */
export const KubernetesSecretsMountPath = '/system/secrets/kubernetes';
/** The API server's config files (admission, audit policy), on the node and in its container. */
export const ApiServerConfigMountPath = '/system/config/kubernetes/kube-apiserver';
/** Where the API server writes its audit log. */
export const AuditLogMountPath = '/var/log/audit/kube';

export interface RenderOptions {
  /** The PKI directory on the host; KubernetesSecretsMountPath unless told (the process platform). */
  hostSecretsDir?: string;
  /** The API server's config directory on the host; ApiServerConfigMountPath unless told. */
  hostConfigDir?: string;
  /** The audit log directory on the host; AuditLogMountPath unless told. */
  hostAuditLogDir?: string;
  /** Changes when the PKI is re-issued, so that the kubelet restarts the pod (annotation). */
  secretsVersion?: string;
}

/** A Pod object (v1), ready to be written as YAML. */
export type PodManifest = Record<string, unknown>;

const TlsMinVersion = 'VersionTLS12';

const secretPath = (name: string): string => `${KubernetesSecretsMountPath}/${name}`;

export function apiServerPod(spec: APIServerConfigSpec, options: RenderOptions = {}): PodManifest {
  const defaults: Record<string, string> = {
    'admission-control-config-file': `${ApiServerConfigMountPath}/${ApiServerConfigFile.admission}`,
    'advertise-address': spec.advertisedAddress,
    'allow-privileged': 'true',
    'api-audiences': spec.controlPlaneEndpoint,
    'audit-log-maxage': '30',
    'audit-log-maxbackup': '10',
    'audit-log-maxsize': '100',
    'audit-log-path': `${AuditLogMountPath}/kube-apiserver.log`,
    'audit-policy-file': `${ApiServerConfigMountPath}/${ApiServerConfigFile.auditPolicy}`,
    'authorization-mode': 'Node,RBAC',
    'bind-address': '0.0.0.0',
    'client-ca-file': secretPath(F.ca),
    'enable-admission-plugins': 'NodeRestriction',
    'enable-aggregator-routing': 'true',
    'enable-bootstrap-token-auth': 'true',
    'encryption-provider-config': secretPath(F.encryptionConfig),
    'endpoint-reconciler-type': 'lease',
    'etcd-cafile': secretPath(F.etcdCa),
    'etcd-certfile': secretPath(F.etcdClientCrt),
    'etcd-keyfile': secretPath(F.etcdClientKey),
    'etcd-servers': spec.etcdServers.join(','),
    'kubelet-client-certificate': secretPath(F.kubeletClientCrt),
    'kubelet-client-key': secretPath(F.kubeletClientKey),
    'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname',
    profiling: 'false',
    'proxy-client-cert-file': secretPath(F.frontProxyClientCrt),
    'proxy-client-key-file': secretPath(F.frontProxyClientKey),
    'requestheader-allowed-names': 'front-proxy-client',
    'requestheader-client-ca-file': secretPath(F.frontProxyCa),
    'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
    'requestheader-group-headers': 'X-Remote-Group',
    'requestheader-username-headers': 'X-Remote-User',
    'secure-port': String(spec.localPort),
    'service-account-issuer': spec.controlPlaneEndpoint,
    'service-account-key-file': secretPath(F.serviceAccountPub),
    'service-account-signing-key-file': secretPath(F.serviceAccountKey),
    'service-cluster-ip-range': spec.serviceCIDRs.join(','),
    'tls-cert-file': secretPath(F.apiServerCrt),
    'tls-min-version': TlsMinVersion,
    'tls-private-key-file': secretPath(F.apiServerKey),
  };
  const mounts: HostMount[] = [
    {
      name: 'config',
      mountPath: ApiServerConfigMountPath,
      hostPath: options.hostConfigDir ?? ApiServerConfigMountPath,
    },
    {
      name: 'audit',
      mountPath: AuditLogMountPath,
      hostPath: options.hostAuditLogDir ?? AuditLogMountPath,
      writable: true,
    },
  ];
  return componentPod('kube-apiserver', spec, defaults, {
    ...options,
    requests: { cpu: '200m', memory: '512Mi' },
    mounts,
  });
}

export function controllerManagerPod(spec: ControllerManagerConfigSpec, options: RenderOptions = {}): PodManifest {
  const kubeconfig = secretPath(F.controllerManagerKubeconfig);
  const defaults: Record<string, string> = {
    'allocate-node-cidrs': 'true',
    'authentication-kubeconfig': kubeconfig,
    'authorization-kubeconfig': kubeconfig,
    'bind-address': '127.0.0.1',
    'cluster-cidr': spec.podCIDRs.join(','),
    'cluster-signing-cert-file': secretPath(F.ca),
    'cluster-signing-key-file': secretPath(F.caKey),
    'configure-cloud-routes': 'false',
    controllers: '*,bootstrapsigner,tokencleaner',
    kubeconfig,
    'leader-elect': 'true',
    profiling: 'false',
    'root-ca-file': secretPath(F.ca),
    'service-account-private-key-file': secretPath(F.serviceAccountKey),
    'service-cluster-ip-range': spec.serviceCIDRs.join(','),
    'tls-min-version': TlsMinVersion,
    'use-service-account-credentials': 'true',
  };
  return componentPod('kube-controller-manager', spec, defaults, {
    ...options,
    requests: { cpu: '50m', memory: '256Mi' },
  });
}

export function schedulerPod(spec: SchedulerConfigSpec, options: RenderOptions = {}): PodManifest {
  const kubeconfig = secretPath(F.schedulerKubeconfig);
  const defaults: Record<string, string> = {
    'authentication-kubeconfig': kubeconfig,
    'authorization-kubeconfig': kubeconfig,
    'bind-address': '127.0.0.1',
    kubeconfig,
    'leader-elect': 'true',
    profiling: 'false',
    'tls-min-version': TlsMinVersion,
  };
  return componentPod('kube-scheduler', spec, defaults, { ...options, requests: { cpu: '10m', memory: '64Mi' } });
}

/** `--name=value` flags, sorted by name: the defaults with extraArgs replacing those they name. */
export function componentArgs(
  defaults: Readonly<Record<string, string>>,
  extraArgs: Readonly<Record<string, string | readonly string[]>>,
): string[] {
  const merged = new Map<string, readonly string[]>(Object.entries(defaults).map(([k, v]) => [k, [v]]));
  for (const [k, v] of Object.entries(extraArgs)) merged.set(k, typeof v === 'string' ? [v] : v);
  return [...merged.keys()].sort().flatMap((k) => (merged.get(k) ?? []).map((v) => `--${k}=${v}`));
}

/** The manifest as the kubelet reads it from etc/kubernetes/manifests. */
export function staticPodYaml(pod: PodManifest): string {
  return stringify(pod, { lineWidth: 0 });
}

/** A hostPath directory a component mounts besides the PKI (read-only unless writable). */
interface HostMount {
  name: string;
  mountPath: string;
  hostPath: string;
  writable?: boolean;
}

function componentPod(
  name: string,
  spec: ComponentConfig,
  defaults: Record<string, string>,
  options: RenderOptions & { requests: Record<string, string>; mounts?: HostMount[] },
): PodManifest {
  const extra = spec.extraVolumes.map((v, i) => ({ ...v, name: `extra-${String(i)}` }));
  const mounts = options.mounts ?? [];
  const annotations =
    options.secretsVersion === undefined ? {} : { 'talos.dev/secrets-version': options.secretsVersion };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      labels: { component: name, 'k8s-app': name, tier: 'control-plane' },
      annotations,
    },
    spec: {
      hostNetwork: true,
      priorityClassName: 'system-cluster-critical',
      containers: [
        {
          name,
          image: spec.image,
          command: [`/usr/local/bin/${name}`, ...componentArgs(defaults, spec.extraArgs)],
          env: Object.entries(spec.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, value]) => ({ name: k, value })),
          resources: {
            requests: { ...options.requests, ...spec.resources.requests },
            ...(Object.keys(spec.resources.limits).length === 0 ? {} : { limits: spec.resources.limits }),
          },
          volumeMounts: [
            { name: 'secrets', mountPath: KubernetesSecretsMountPath, readOnly: true },
            ...mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: m.writable !== true })),
            ...extra.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: v.readonly })),
          ],
        },
      ],
      volumes: [
        {
          name: 'secrets',
          hostPath: { path: options.hostSecretsDir ?? KubernetesSecretsMountPath, type: 'Directory' },
        },
        ...mounts.map((m) => ({
          name: m.name,
          hostPath: { path: m.hostPath, type: m.writable === true ? 'DirectoryOrCreate' : 'Directory' },
        })),
        ...extra.map((v) => ({ name: v.name, hostPath: { path: v.hostPath } })),
      ],
    },
  };
}
