// Checks of machine.* that a schema cannot express: required secrets per machine type, install
// disk per mode, files, features that depend on each other.
import type { V1Alpha1Config } from '../v1alpha1/config.ts';
import type { Findings } from './findings.ts';
import { isRegistryName } from '../../kubernetes/registry-hosts.ts';
import type { ValidationMode } from './mode.ts';
import { checkNetwork } from './network-rules.ts';
import { reportPair } from './pair-rule.ts';

type Machine = NonNullable<V1Alpha1Config['machine']>;

export function isControlPlaneType(type: string | undefined): boolean {
  return type === 'controlplane' || type === 'init';
}

/** What the rules may look at besides the v1alpha1 document. */
export interface RuleContext {
  readonly mode: ValidationMode;
  /** Kinds of the other documents of the config. */
  readonly kinds: ReadonlySet<string>;
}

export function checkMachine(found: Findings, doc: number, cfg: V1Alpha1Config, ctx: RuleContext): void {
  const { mode } = ctx;
  const m = cfg.machine;
  if (m === undefined) {
    found.error(doc, [], 'the v1alpha1 document needs a machine section', { code: 'missing-field' });
    return;
  }
  if (cfg.persist === false) found.error(doc, ['persist'], 'persist must be true (or left out)');
  if (m.type === undefined)
    found.error(doc, ['machine'], 'machine.type is required: controlplane or worker', { code: 'missing-field' });
  if (m.type === 'init' || m.type === 'join') {
    const now = m.type === 'init' ? 'controlplane' : 'worker';
    found.warn(doc, ['machine', 'type'], `the ${m.type} type is deprecated: use ${now}`, { code: 'deprecated' });
  }
  if (m.token === undefined || m.token === '')
    found.error(doc, ['machine'], 'machine.token (the trustd join token) is required; osctl gen secrets creates one', {
      code: 'missing-field',
    });
  checkCAs(found, doc, m);
  checkInstall(found, doc, m, ctx);
  checkNetwork(found, doc, { machine: m, cfg, mode });
  checkHost(found, doc, m, mode);
  checkFeatures(found, doc, m);
  checkRegistries(found, doc, m);
}

function checkRegistries(found: Findings, doc: number, m: Machine): void {
  const r = m.registries;
  for (const [section, what] of [
    ['mirrors', 'a registry name'],
    ['config', 'a registry host'],
  ] as const) {
    for (const name of Object.keys(r?.[section] ?? {})) {
      if (!isRegistryName(name) || (section === 'config' && name === '*'))
        found.error(
          doc,
          ['machine', 'registries', section, name],
          `not ${what}: use host or host:port (such as docker.io or 10.5.0.1:5000)${section === 'mirrors' ? ', or * for every registry' : ''}`,
          { code: 'invalid-value' },
        );
    }
  }
  for (const [name, mirror] of Object.entries(r?.mirrors ?? {}))
    if ((mirror.endpoints?.length ?? 0) === 0)
      found.error(
        doc,
        ['machine', 'registries', 'mirrors', name, 'endpoints'],
        'a mirror needs at least one endpoint',
        {
          code: 'missing-field',
        },
      );
}

function checkCAs(found: Findings, doc: number, m: Machine): void {
  const controlPlane = isControlPlaneType(m.type);
  const accepted = m.acceptedCAs ?? [];
  reportPair(found, { doc, path: ['machine', 'ca'] }, m.ca, {
    what: 'the OS CA (machine.ca)',
    requireKey: controlPlane,
    requireCrt: controlPlane || accepted.length === 0,
    keyForbidden: !controlPlane,
    expectCA: true,
  });
  accepted.forEach((c, i) => {
    reportPair(found, { doc, path: ['machine', 'acceptedCAs', i] }, c, {
      what: 'an accepted OS CA',
      requireKey: false,
      expectCA: true,
    });
  });
}

function checkInstall(found: Findings, doc: number, m: Machine, ctx: RuleContext): void {
  const install = m.install;
  const hasDisk = (install?.disk ?? '') !== '' || install?.diskSelector !== undefined;
  if (ctx.mode === 'metal' && !hasDisk && !ctx.kinds.has('UnattendedInstallConfig')) {
    found.error(
      doc,
      install === undefined ? ['machine'] : ['machine', 'install'],
      'an install disk is required in metal mode: set machine.install.disk (e.g. /dev/sda), machine.install.diskSelector or an UnattendedInstallConfig document',
      { code: 'mode' },
    );
  }
  if (install?.disk !== undefined && install.disk !== '' && !install.disk.startsWith('/dev/'))
    found.error(doc, ['machine', 'install', 'disk'], 'the install disk must be a device path such as /dev/sda');
  if ((install?.disk ?? '') !== '' && install?.diskSelector !== undefined)
    found.warn(
      doc,
      ['machine', 'install', 'diskSelector'],
      'both disk and diskSelector are set: the selector is ignored',
    );
  if (ctx.mode === 'metal' && (install?.extraKernelArgs?.length ?? 0) > 0 && install?.grubUseUKICmdline === true)
    found.error(
      doc,
      ['machine', 'install', 'extraKernelArgs'],
      'extraKernelArgs cannot be used with grubUseUKICmdline',
      {
        code: 'conflict',
      },
    );
  const images = new Set<string>();
  install?.extensions?.forEach((e, i) => {
    if (e.image !== undefined && images.has(e.image))
      found.error(doc, ['machine', 'install', 'extensions', i, 'image'], 'this system extension is listed twice', {
        code: 'conflict',
      });
    if (e.image !== undefined) images.add(e.image);
  });
  if ((install?.extensions?.length ?? 0) > 0)
    found.warn(
      doc,
      ['machine', 'install', 'extensions'],
      'install extensions are deprecated: build them into the installer image',
      {
        code: 'deprecated',
      },
    );
}

function checkHost(found: Findings, doc: number, m: Machine, mode: ValidationMode): void {
  m.files?.forEach((f, i) => {
    if (f.op === 'create' && f.path !== undefined && !f.path.startsWith('/var/'))
      found.error(doc, ['machine', 'files', i, 'path'], 'files can be created only under /var (the rest is read-only)');
    if (f.path === undefined)
      found.error(doc, ['machine', 'files', i], 'a file needs a path', { code: 'missing-field' });
  });
  if (m.files !== undefined && m.files.length > 0)
    found.warn(
      doc,
      ['machine', 'files'],
      'machine.files is deprecated: use EtcFileConfig or CRICustomizationConfig documents',
      {
        code: 'deprecated',
      },
    );
  if (m.baseRuntimeSpecOverrides !== undefined)
    found.warn(doc, ['machine', 'baseRuntimeSpecOverrides'], 'deprecated: use a CRIBaseRuntimeSpecConfig document', {
      code: 'deprecated',
    });
  if (m.time?.disabled === true && (m.time.servers?.length ?? 0) > 0)
    found.warn(doc, ['machine', 'time', 'servers'], 'time sync is disabled, so these servers are not used');
  for (const part of ['state', 'ephemeral'] as const) checkEncryption(found, doc, m, part);
  if (mode === 'container' && m.systemDiskEncryption !== undefined)
    found.warn(doc, ['machine', 'systemDiskEncryption'], 'disk encryption has no effect in container mode', {
      code: 'mode',
    });
  for (const [key, value] of Object.entries(m.nodeTaints ?? {})) {
    if (!/^[^:]*:(NoSchedule|PreferNoSchedule|NoExecute)$/.test(value))
      found.error(
        doc,
        ['machine', 'nodeTaints', key],
        'a taint is written VALUE:EFFECT (or :EFFECT), the effect being NoSchedule, PreferNoSchedule or NoExecute',
      );
  }
}

function checkEncryption(found: Findings, doc: number, m: Machine, part: 'state' | 'ephemeral'): void {
  const enc = m.systemDiskEncryption?.[part];
  if (enc === undefined) return;
  const path = ['machine', 'systemDiskEncryption', part];
  if ((enc.keys?.length ?? 0) === 0)
    found.error(doc, path, 'disk encryption needs at least one key (static, nodeID, kms or tpm)', {
      code: 'missing-field',
    });
  const slots = new Set<number>();
  enc.keys?.forEach((k, i) => {
    const slot = k.slot ?? 0;
    if (slots.has(slot))
      found.error(doc, [...path, 'keys', i, 'slot'], `key slot ${String(slot)} is used twice`, { code: 'conflict' });
    slots.add(slot);
    if (k.static === undefined && k.nodeID === undefined && k.kms === undefined && k.tpm === undefined)
      found.error(doc, [...path, 'keys', i], 'a key needs one of static, nodeID, kms or tpm', {
        code: 'missing-field',
      });
  });
}

function checkFeatures(found: Findings, doc: number, m: Machine): void {
  const f = m.features;
  if (f?.hostDNS?.forwardKubeDNSToHost === true && f.hostDNS.enabled !== true)
    found.error(
      doc,
      ['machine', 'features', 'hostDNS', 'forwardKubeDNSToHost'],
      'forwardKubeDNSToHost needs hostDNS.enabled: true',
      {
        code: 'conflict',
      },
    );
  const access = f?.kubernetesTalosAPIAccess;
  if (access?.enabled === true && !isControlPlaneType(m.type))
    found.error(
      doc,
      ['machine', 'features', 'kubernetesTalosAPIAccess', 'enabled'],
      'Kubernetes access to the OS API can be enabled only on control-plane nodes',
    );
  access?.allowedRoles?.forEach((r, i) => {
    if (!r.startsWith('os:'))
      found.error(
        doc,
        ['machine', 'features', 'kubernetesTalosAPIAccess', 'allowedRoles', i],
        'not a role: roles look like os:reader or os:admin',
      );
  });
}
