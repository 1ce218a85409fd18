import type { Command } from 'commander';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { loadClientConfig, resolveClientConfigPath, saveClientConfig, type ClientConfig } from '@bronze/machinery';
import type { Io } from '../io.ts';

/** The talosconfig path for this invocation: --talosconfig, then $TALOSCONFIG, then ~/.talos/config. */
export function talosconfigPath(cmd: Command, io: Io): string {
  const flag: unknown = cmd.optsWithGlobals()['talosconfig'];
  const path = resolveClientConfigPath({
    flag: typeof flag === 'string' ? flag : undefined,
    env: io.env,
    home: io.env['HOME'] ?? homedir(),
  });
  return resolve(io.cwd, path);
}

/** Loads the talosconfig, applies `edit` and saves it back (0600, atomically). */
export async function editTalosconfig(
  cmd: Command,
  io: Io,
  edit: (config: ClientConfig) => ClientConfig,
  options: { allowMissing?: boolean } = {},
): Promise<void> {
  const path = talosconfigPath(cmd, io);
  const config = await loadClientConfig(path, options);
  await saveClientConfig(path, edit(config));
}
