// machine.registries as containerd's CRI reads it: one `hosts.toml` per registry under a hosts
// directory (containerd's config_path), with the mirrors as hosts in order, then the registry itself
// (unless skipFallback), each host carrying the TLS settings of machine.registries.config for its
// host:port; and the credentials for the CRI config's registry.configs.HOST.auth (hosts.toml has no
// place for them). The mirror `*` is containerd's `_default`: every registry without its own.
import type { V1Alpha1Config } from '../config/v1alpha1/config.ts';

type Registries = NonNullable<NonNullable<V1Alpha1Config['machine']>['registries']>;

export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  identityToken?: string;
}

export interface RegistryHostFiles {
  /** Path relative to the hosts directory → content; hosts.toml 0644, key material 0600. */
  files: Record<string, { content: string; mode: number }>;
  /** Registry host (host[:port]) → credentials, for the CRI config. */
  auth: Record<string, RegistryAuth>;
}

/** The default endpoint of a registry name (Docker Hub's API host is not docker.io). */
function upstreamOf(name: string): string {
  return name === 'docker.io' ? 'https://registry-1.docker.io' : `https://${name}`;
}

const q = (s: string): string => JSON.stringify(s);

function hostOf(endpoint: string): string {
  return URL.canParse(endpoint) ? new URL(endpoint).host : endpoint;
}

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** A registry as machine.registries names it: `host`, `host:port`, or `*` (never a path). */
export function isRegistryName(name: string): boolean {
  return name === '*' || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/.test(name);
}

/** Directory name for a registry: `*` → `_default`; `host:port` stays (containerd's own layout). */
export function registryHostsDir(name: string): string {
  return name === '*' ? '_default' : name;
}

/**
 * The hosts files for `registries` below `hostsDir` (an absolute path: hosts.toml names its CA and
 * client certificate files by absolute path). Deterministic: same config, same bytes.
 */
export function registryHostFiles(registries: Registries | undefined, hostsDir: string): RegistryHostFiles {
  const files: RegistryHostFiles['files'] = {};
  const auth: RegistryHostFiles['auth'] = {};
  const configs = registries?.config ?? {};
  const mirrors = registries?.mirrors ?? {};
  // Registries with TLS settings but no mirror still get a hosts.toml: themselves as the only host.
  // Names that are not registries (validation refuses them) never become paths.
  const names = [...new Set([...Object.keys(mirrors), ...Object.keys(configs)])].filter(isRegistryName).sort();

  for (const [host, c] of Object.entries(configs).sort(([a], [b]) => a.localeCompare(b))) {
    const given = Object.entries(c.auth ?? {}).filter(([, v]) => v !== '');
    if (given.length > 0) auth[host] = Object.fromEntries(given);
  }

  /** The TLS lines of `endpoint`'s machine.registries.config entry; key material into files. */
  const tlsLines = (dir: string, endpoint: string, indent: string): string[] => {
    const tls = configs[hostOf(endpoint)]?.tls;
    const lines: string[] = [];
    if (tls?.insecureSkipVerify === true) lines.push(`${indent}skip_verify = true`);
    const tag = hostOf(endpoint).replace(/[^A-Za-z0-9.-]/g, '_');
    if (tls?.ca !== undefined && tls.ca !== '') {
      const file = `${dir}/${tag}-ca.crt`;
      files[file] = { content: decode(tls.ca), mode: 0o644 };
      lines.push(`${indent}ca = ${q(`${hostsDir}/${file}`)}`);
    }
    const id = tls?.clientIdentity;
    if (id?.crt !== undefined && id.key !== undefined && id.crt !== '' && id.key !== '') {
      const [crt, key] = [`${dir}/${tag}-client.crt`, `${dir}/${tag}-client.key`];
      files[crt] = { content: decode(id.crt), mode: 0o644 };
      files[key] = { content: decode(id.key), mode: 0o600 };
      lines.push(`${indent}client = [[${q(`${hostsDir}/${crt}`)}, ${q(`${hostsDir}/${key}`)}]]`);
    }
    return lines;
  };

  for (const name of names) {
    const dir = registryHostsDir(name);
    const mirror = mirrors[name];
    const endpoints = mirror?.endpoints ?? [];
    // The registry itself is the last resort (containerd's `server`) unless skipFallback names the
    // last mirror instead; `*` has no registry of its own.
    const server = mirror?.skipFallback === true ? endpoints.at(-1) : name === '*' ? undefined : upstreamOf(name);
    const lines: string[] = [];
    if (server !== undefined) lines.push(`server = ${q(server)}`, ...tlsLines(dir, server, ''));
    for (const endpoint of endpoints) {
      lines.push('', `[host.${q(endpoint)}]`, '  capabilities = ["pull", "resolve"]');
      if (mirror?.overridePath === true) lines.push('  override_path = true');
      lines.push(...tlsLines(dir, endpoint, '  '));
    }
    files[`${dir}/hosts.toml`] = { content: `${lines.join('\n')}\n`, mode: 0o644 };
  }
  return { files, auth };
}
