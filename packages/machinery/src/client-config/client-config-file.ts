import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../secrets/output-files.ts';
import { ClientConfigError, emptyClientConfig, type ClientConfig } from './client-config.ts';
import { parseClientConfig, serializeClientConfig } from './codec.ts';

export interface ClientConfigLocation {
  /** The --talosconfig flag, when given. */
  flag?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory. */
  home: string;
}

/** Where the talosconfig is: --talosconfig, then $TALOSCONFIG, then ~/.talos/config. */
export function resolveClientConfigPath(location: ClientConfigLocation): string {
  if (location.flag !== undefined && location.flag !== '') return location.flag;
  const fromEnv = location.env['TALOSCONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return join(location.home, '.talos', 'config');
}

export interface LoadClientConfigOptions {
  /** Return an empty config when the file does not exist (config add, merge). */
  allowMissing?: boolean;
  signal?: AbortSignal;
}

export async function loadClientConfig(path: string, options: LoadClientConfigOptions = {}): Promise<ClientConfig> {
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    if (code === 'ENOENT') {
      if (options.allowMissing === true) return emptyClientConfig();
      throw new ClientConfigError(
        `no talosconfig at ${path}: create one with "osctl gen config", or point --talosconfig or $TALOSCONFIG at it`,
      );
    }
    throw new ClientConfigError(`failed to read talosconfig ${path}: check its permissions`, { cause: err });
  }
  return parseClientConfig(text, path);
}

/** Writes the talosconfig atomically with mode 0600 (it holds a client key). */
export async function saveClientConfig(
  path: string,
  config: ClientConfig,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await writeFileAtomic(
    { path, data: serializeClientConfig(config), mode: 0o600 },
    { force: true, ...(options.signal ? { signal: options.signal } : {}) },
  );
}
