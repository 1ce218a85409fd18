import { type DocumentIdentity, isV1Alpha1 } from './identity.ts';

/**
 * How a strategic merge treats the value at one path. By default maps merge key by key and lists
 * append; these are Talos's exceptions, taken from its documented rules and its typed config:
 * - `replace`: the patch value replaces the old one whole (pod/service subnets, audit policy, ...);
 * - `keyed`: list elements with an equal key merge (network interfaces by `interface`, else by
 *   `deviceSelector`; VLANs by `vlanId`; admission plugins by `name`; ...); others are appended.
 *   With `replaceElement`, a matching element is replaced instead of merged.
 */
export type MergeRule =
  | { readonly kind: 'replace' }
  | { readonly kind: 'keyed'; readonly keys: readonly string[]; readonly replaceElement?: boolean };

const replace: MergeRule = { kind: 'replace' };
const keyed = (...keys: string[]): MergeRule => ({ kind: 'keyed', keys });

/** Values of extraArgs maps replace rather than append (Talos merges them with a plain map copy). */
const extraArgs = (prefix: string): Record<string, MergeRule> => ({ [`${prefix}.extraArgs.*`]: replace });

/** Paths are dot-joined keys, `[]` for "any element of a list" and `*` for "any key of a map". */
const v1alpha1Rules: Readonly<Record<string, MergeRule>> = {
  'machine.network.interfaces': keyed('interface', 'deviceSelector'),
  'machine.network.interfaces.[].vlans': keyed('vlanId'),
  'cluster.apiServer.admissionControl': keyed('name'),
  'cluster.apiServer.auditPolicy': replace,
  'cluster.network.podSubnets': replace,
  'cluster.network.serviceSubnets': replace,
  ...extraArgs('machine.kubelet'),
  ...extraArgs('cluster.apiServer'),
  ...extraArgs('cluster.controllerManager'),
  ...extraArgs('cluster.proxy'),
  ...extraArgs('cluster.scheduler'),
};

const kindRules: Readonly<Record<string, Readonly<Record<string, MergeRule>>>> = {
  KubeNetworkConfig: { podSubnets: replace, serviceSubnets: replace },
  KubeAuditPolicyConfig: { configuration: replace },
  KubeAuthenticationConfig: { configuration: replace },
  KubeCredentialProviderConfig: { configuration: replace },
  KubeStaticPodConfig: { pod: replace },
  CRIBaseRuntimeSpecConfig: { overrides: replace },
  BGPInstanceConfig: { advertise: replace, importRoutes: replace, neighbors: replace },
  NetworkRuleConfig: { ingress: replace, 'portSelector.ports': replace },
  ExtensionServiceConfig: { configFiles: keyed('mountPath') },
  ImageVerificationConfig: { rules: { kind: 'keyed', keys: ['image'], replaceElement: true } },
};

/** The rule for a value at `path` (keys, with `[]` for list elements) in a document, if any. */
export function ruleFor(identity: DocumentIdentity, path: readonly string[]): MergeRule | undefined {
  const table = isV1Alpha1(identity) ? v1alpha1Rules : kindRules[identity.kind];
  if (table === undefined) return undefined;
  const exact = table[path.join('.')];
  if (exact !== undefined) return exact;
  if (path.length === 0) return undefined;
  return table[[...path.slice(0, -1), '*'].join('.')];
}
