// Checks of machine.network: one name per device, bonds and bridges that do not share links,
// bond options that depend on each other, VLAN ids, and what the machine type and mode allow.
import type { V1Alpha1Config } from '../v1alpha1/config.ts';
import type { Findings } from './findings.ts';
import type { ValidationMode } from './mode.ts';

type Machine = NonNullable<V1Alpha1Config['machine']>;
type Device = NonNullable<NonNullable<Machine['network']>['interfaces']>[number];
type Path = (string | number)[];

interface NetworkCtx {
  readonly machine: Machine;
  readonly cfg: V1Alpha1Config;
  readonly mode: ValidationMode;
}

export function checkNetwork(found: Findings, doc: number, ctx: NetworkCtx): void {
  const { machine: m, cfg, mode } = ctx;
  const names = new Map<string, number>();
  const links = new Map<string, string>();
  const worker = m.type === 'worker' || m.type === 'join';
  m.network?.interfaces?.forEach((dev, i) => {
    const path: Path = ['machine', 'network', 'interfaces', i];
    const name = dev.interface ?? '';
    if ((name !== '') === (dev.deviceSelector !== undefined))
      found.error(doc, path, 'a network device needs exactly one of interface or deviceSelector', {
        code: 'missing-field',
      });
    if (dev.deviceSelector !== undefined && Object.keys(dev.deviceSelector).length === 0)
      found.error(
        doc,
        [...path, 'deviceSelector'],
        'an empty deviceSelector matches nothing: set busPath, hardwareAddr, driver...',
      );
    if (name !== '') {
      const first = names.get(name);
      if (first !== undefined)
        found.error(
          doc,
          [...path, 'interface'],
          `interface ${name} is configured twice (also at interfaces[${String(first)}]): merge them`,
          {
            code: 'conflict',
          },
        );
      else names.set(name, i);
    }
    if (dev.cidr !== undefined)
      found.warn(doc, [...path, 'cidr'], 'cidr is deprecated: use addresses', { code: 'deprecated' });
    if (dev.bond !== undefined && dev.bridge !== undefined)
      found.error(doc, path, 'a device cannot be both a bond and a bridge', { code: 'conflict' });
    checkMembers(found, doc, { path, owner: name, dev, links });
    checkBond(found, doc, path, dev);
    checkVlans(found, doc, path, dev, worker);
    if (worker && dev.vip !== undefined)
      found.error(doc, [...path, 'vip'], 'a shared (virtual) IP is allowed only on control-plane nodes');
  });
  if (mode === 'container' && (m.network?.interfaces?.length ?? 0) > 0)
    found.warn(
      doc,
      ['machine', 'network', 'interfaces'],
      'in container mode the container runtime owns the network interfaces: these settings are ignored',
      {
        code: 'mode',
      },
    );
  if (m.network?.kubespan?.enabled === true && cfg.cluster?.discovery?.enabled !== true)
    found.error(
      doc,
      ['machine', 'network', 'kubespan', 'enabled'],
      'KubeSpan needs cluster discovery: set cluster.discovery.enabled: true',
      {
        code: 'conflict',
      },
    );
}

/** A link may belong to one bond or bridge only. */
function checkMembers(
  found: Findings,
  doc: number,
  at: { path: Path; owner: string; dev: Device; links: Map<string, string> },
): void {
  const members: [Path, string[]][] = [
    [[...at.path, 'bond', 'interfaces'], at.dev.bond?.interfaces ?? []],
    [[...at.path, 'bridge', 'interfaces'], at.dev.bridge?.interfaces ?? []],
  ];
  for (const [path, list] of members) {
    list.forEach((link, j) => {
      const other = at.links.get(link);
      if (other !== undefined && other !== at.owner)
        found.error(doc, [...path, j], `link ${link} is already part of ${other}: a link can join one bond or bridge`, {
          code: 'conflict',
        });
      at.links.set(link, at.owner);
    });
  }
}

function checkBond(found: Findings, doc: number, path: Path, dev: Device): void {
  const bond = dev.bond;
  if (bond === undefined) return;
  const at = [...path, 'bond'];
  if ((bond.interfaces?.length ?? 0) > 0 && (bond.deviceSelectors?.length ?? 0) > 0)
    found.error(doc, at, 'a bond takes interfaces or deviceSelectors, not both', { code: 'conflict' });
  const miimon = bond.miimon ?? 0;
  for (const key of ['updelay', 'downdelay'] as const) {
    const delay = bond[key] ?? 0;
    if (delay === 0) continue;
    if (miimon === 0) found.error(doc, [...at, key], `${key} needs miimon to be set`, { code: 'conflict' });
    else if (delay % miimon !== 0)
      found.error(doc, [...at, key], `${key} must be a multiple of miimon (${String(miimon)})`);
  }
  if (bond.lacpRate !== undefined && bond.mode !== '802.3ad')
    found.error(doc, [...at, 'lacpRate'], 'lacpRate applies only to mode 802.3ad', { code: 'conflict' });
}

function checkVlans(found: Findings, doc: number, path: Path, dev: Device, worker: boolean): void {
  const ids = new Set<number>();
  dev.vlans?.forEach((v, j) => {
    const at = [...path, 'vlans', j];
    if (v.vlanId === undefined) found.error(doc, at, 'a VLAN needs a vlanId (1-4094)', { code: 'missing-field' });
    else if (ids.has(v.vlanId))
      found.error(doc, [...at, 'vlanId'], 'this VLAN id is used twice on the device', { code: 'conflict' });
    else ids.add(v.vlanId);
    if (worker && v.vip !== undefined)
      found.error(doc, [...at, 'vip'], 'a shared (virtual) IP is allowed only on control-plane nodes');
  });
}
