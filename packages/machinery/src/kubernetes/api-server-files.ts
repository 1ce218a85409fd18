// The API server's configuration files, as Talos writes them under
// /system/config/kubernetes/kube-apiserver: the AdmissionConfiguration of
// cluster.apiServer.admissionControl (PodSecurity defaults in a generated config) and the audit
// policy of cluster.apiServer.auditPolicy (Metadata for everything unless the config says more).
import { stringify } from 'yaml';

export interface AdmissionPlugin {
  name: string;
  configuration: unknown;
}

/** The audit policy when the config has none: every request at level Metadata. */
export const DefaultAuditPolicy: Readonly<Record<string, unknown>> = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  rules: [{ level: 'Metadata' }],
};

export const ApiServerConfigFile = {
  admission: 'admission-control-config.yaml',
  auditPolicy: 'auditpolicy.yaml',
} as const;

/** File name → content of the API server's config directory. */
export function apiServerConfigFiles(spec: {
  admissionControl: readonly AdmissionPlugin[];
  auditPolicy: unknown;
}): Record<string, string> {
  const admission = {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: spec.admissionControl.map((p) => ({ name: p.name, configuration: p.configuration })),
  };
  return {
    [ApiServerConfigFile.admission]: stringify(admission),
    [ApiServerConfigFile.auditPolicy]: stringify(spec.auditPolicy ?? DefaultAuditPolicy),
  };
}
