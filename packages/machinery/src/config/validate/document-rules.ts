// Checks across documents: a v1alpha1 document must exist, and a multi-document kind must not
// contradict the deprecated v1alpha1 field it replaces.
import type { ConfigBundle } from '../bundle.ts';
import { V1Alpha1Kind } from '../document.ts';
import { HostnameConfigKind, ResolverConfigKind, TimeSyncConfigKind } from '../kinds/network-kinds.ts';
import { EnvironmentConfigKind, SysctlConfigKind } from '../kinds/runtime-kinds.ts';
import type { Findings } from './findings.ts';

export function checkDocuments(found: Findings, bundle: ConfigBundle): void {
  const main = bundle.find(V1Alpha1Kind);
  if (main === undefined) {
    found.error(0, [], 'the config needs a v1alpha1 document (version: v1alpha1 with machine and cluster)', {
      code: 'missing-document',
    });
  }
  const m = bundle.v1alpha1()?.machine;
  const index = (kind: string): number => bundle.find(kind)?.ref.index ?? 0;

  const hostname = bundle.get(HostnameConfigKind);
  if (hostname !== undefined) {
    const i = index(HostnameConfigKind.kind);
    if (hostname.auto !== undefined && hostname.hostname !== undefined)
      found.error(i, ['hostname'], 'set either hostname or auto, not both', { code: 'conflict' });
    if (hostname.auto === undefined && hostname.hostname === undefined)
      found.error(i, [], 'HostnameConfig needs hostname or auto (stable or off)', { code: 'missing-field' });
    if (m?.network?.hostname !== undefined && hostname.hostname !== undefined)
      conflict(found, i, ['hostname'], 'machine.network.hostname');
  }
  if (bundle.get(ResolverConfigKind)?.nameservers !== undefined && m?.network?.nameservers !== undefined)
    conflict(found, index(ResolverConfigKind.kind), ['nameservers'], 'machine.network.nameservers');
  if (bundle.get(TimeSyncConfigKind) !== undefined && m?.time !== undefined)
    conflict(found, index(TimeSyncConfigKind.kind), [], 'machine.time');
  if (bundle.get(EnvironmentConfigKind) !== undefined && m?.env !== undefined)
    conflict(found, index(EnvironmentConfigKind.kind), [], 'machine.env');
  const sysctl = bundle.get(SysctlConfigKind)?.params ?? {};
  for (const [key, value] of Object.entries(sysctl)) {
    const legacy = m?.sysctls?.[key];
    if (legacy !== undefined && legacy !== value)
      found.error(
        index(SysctlConfigKind.kind),
        ['params', key],
        `machine.sysctls sets ${key} to ${JSON.stringify(legacy)}: keep one of the two`,
        { code: 'conflict' },
      );
  }
}

function conflict(found: Findings, doc: number, path: readonly string[], legacy: string): void {
  found.error(
    doc,
    path,
    `this conflicts with ${legacy} in the v1alpha1 document: keep one of the two (the document is the newer form)`,
    { code: 'conflict' },
  );
}
