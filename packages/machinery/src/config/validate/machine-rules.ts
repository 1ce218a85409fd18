// Checks of machine.* that a schema cannot express: required secrets per machine type, install
// disk per mode, network devices, files, features that depend on each other.
import type { V1Alpha1Config } from '../v1alpha1/config.ts';
import type { Findings } from './findings.ts';
import type { ValidationMode } from './mode.ts';
import { reportPair } from './pair-rule.ts';

type Machine = NonNullable<V1Alpha1Config['machine']>;

export function checkMachine(found: Findings, doc: number, cfg: V1Alpha1Config, mode: ValidationMode): void {
  const m = cfg.machine;
  if (m === undefined) {
    found.error(doc, [], 'the v1alpha1 document needs a machine section', { code: 'missing-field' });
    return;
  }
  const controlPlane = m.type === 'controlplane' || m.type === 'init';
  if (m.type === undefined)
    found.error(doc, ['machine'], 'machine.type is required: controlplane or worker', { code: 'missing-field' });
  if (m.type === 'init')
    found.warn(doc, ['machine', 'type'], 'the init type is deprecated: use controlplane', { code: 'deprecated' });
  if (m.token === undefined || m.token === '')
    found.error(doc, ['machine'], 'machine.token (the trustd join token) is required; osctl gen secrets creates one', {
      code: 'missing-field',
    });
  reportPair(found, { doc, path: ['machine', 'ca'] }, m.ca, {
    what: 'the OS CA (machine.ca)',
    requireKey: controlPlane,
    keyUnexpected: m.type === 'worker' || m.type === 'join',
    expectCA: true,
  });
  m.acceptedCAs?.forEach((c, i) => {
    reportPair(found, { doc, path: ['machine', 'acceptedCAs', i] }, c, {
      what: 'an accepted OS CA',
      requireKey: false,
      expectCA: true,
    });
  });
  checkInstall(found, doc, m, mode);
  checkNetwork(found, doc, m, mode);
  checkHost(found, doc, m, cfg, mode);
}

function checkInstall(found: Findings, doc: number, m: Machine, mode: ValidationMode): void {
  const install = m.install;
  const hasDisk = (install?.disk ?? '') !== '' || install?.diskSelector !== undefined;
  if (mode === 'metal' && !hasDisk) {
    found.error(
      doc,
      install === undefined ? ['machine'] : ['machine', 'install'],
      'an install disk is required in metal mode: set machine.install.disk (e.g. /dev/sda) or machine.install.diskSelector',
      { code: 'mode' },
    );
  }
  if (install?.disk !== undefined && install.disk !== '' && !install.disk.startsWith('/dev/'))
    found.error(doc, ['machine', 'install', 'disk'], 'the install disk must be a device path such as /dev/sda');
  if ((install?.disk ?? '') !== '' && install?.diskSelector !== undefined)
    found.warn(
      doc,
      ['machine', 'install', 'diskSelector'],
      'both disk and diskSelector are set: disk wins, the selector is ignored',
    );
  if (install?.extensions !== undefined && install.extensions.length > 0)
    found.warn(
      doc,
      ['machine', 'install', 'extensions'],
      'install extensions are deprecated: build them into the installer image',
      { code: 'deprecated' },
    );
}

function checkNetwork(found: Findings, doc: number, m: Machine, mode: ValidationMode): void {
  const names = new Map<string, number>();
  m.network?.interfaces?.forEach((dev, i) => {
    const path = ['machine', 'network', 'interfaces', i];
    const hasName = dev.interface !== undefined && dev.interface !== '';
    if (hasName === (dev.deviceSelector !== undefined))
      found.error(doc, path, 'a network device needs exactly one of interface or deviceSelector', {
        code: 'missing-field',
      });
    if (dev.interface !== undefined && dev.interface !== '') {
      const first = names.get(dev.interface);
      if (first !== undefined)
        found.error(
          doc,
          [...path, 'interface'],
          `interface ${dev.interface} is configured twice (also at interfaces[${String(first)}]): merge the two entries`,
          { code: 'conflict' },
        );
      else names.set(dev.interface, i);
    }
    if (dev.cidr !== undefined)
      found.warn(doc, [...path, 'cidr'], 'cidr is deprecated: use addresses', { code: 'deprecated' });
    const ids = new Set<number>();
    dev.vlans?.forEach((v, j) => {
      if (v.vlanId === undefined)
        found.error(doc, [...path, 'vlans', j], 'a VLAN needs a vlanId (1-4094)', { code: 'missing-field' });
      else if (ids.has(v.vlanId))
        found.error(doc, [...path, 'vlans', j, 'vlanId'], 'this VLAN id is used twice on the device', {
          code: 'conflict',
        });
      else ids.add(v.vlanId);
    });
    if (dev.bond !== undefined && dev.bridge !== undefined)
      found.error(doc, path, 'a device cannot be both a bond and a bridge', { code: 'conflict' });
  });
  if (mode === 'container' && (m.network?.interfaces?.length ?? 0) > 0)
    found.warn(
      doc,
      ['machine', 'network', 'interfaces'],
      'in container mode the container runtime owns the network interfaces: these settings are ignored',
      { code: 'mode' },
    );
}

function checkHost(found: Findings, doc: number, m: Machine, cfg: V1Alpha1Config, mode: ValidationMode): void {
  m.files?.forEach((f, i) => {
    if (f.op === 'create' && f.path !== undefined && !f.path.startsWith('/var/'))
      found.error(
        doc,
        ['machine', 'files', i, 'path'],
        'files can be created only under /var (the rest of the root filesystem is read-only)',
      );
    if (f.path === undefined)
      found.error(doc, ['machine', 'files', i], 'a file needs a path', { code: 'missing-field' });
  });
  if (m.time?.disabled === true && (m.time.servers?.length ?? 0) > 0)
    found.warn(doc, ['machine', 'time', 'servers'], 'time sync is disabled, so these servers are not used');
  for (const part of ['state', 'ephemeral'] as const) {
    const enc = m.systemDiskEncryption?.[part];
    if (enc !== undefined && (enc.keys?.length ?? 0) === 0)
      found.error(
        doc,
        ['machine', 'systemDiskEncryption', part],
        'disk encryption needs at least one key (static, nodeID, kms or tpm)',
        { code: 'missing-field' },
      );
  }
  if (mode === 'container' && m.systemDiskEncryption !== undefined)
    found.warn(doc, ['machine', 'systemDiskEncryption'], 'disk encryption has no effect in container mode', {
      code: 'mode',
    });
  if (m.network?.kubespan?.enabled === true && cfg.cluster?.discovery?.enabled !== true)
    found.error(
      doc,
      ['machine', 'network', 'kubespan', 'enabled'],
      'KubeSpan needs cluster discovery: set cluster.discovery.enabled: true',
      { code: 'conflict' },
    );
}
