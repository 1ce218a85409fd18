// Where the machine config comes from, in order (docs/NODE.md): `--config FILE`, the persisted
// `system/state/config.yaml`, then USERDATA. A config that does not load or validate is refused with
// every issue (file:line:column) and the node stays in maintenance mode; none at all is maintenance.
import { readFile } from 'node:fs/promises';
import {
  formatConfigIssue,
  loadConfig,
  validateConfig,
  type ConfigBundle,
  type ValidationMode,
} from '@bronze/machinery';
import type { Platform } from '../platform/platform.ts';

export type ConfigOrigin = 'flag' | 'state' | 'userdata';

export type ConfigLookup =
  | { kind: 'none' }
  | { kind: 'found'; origin: ConfigOrigin; source: string; text: string }
  | { kind: 'unreadable'; origin: ConfigOrigin; source: string; error: string };

/** The first config source that exists. */
export async function findConfig(platform: Platform, flagPath: string | undefined): Promise<ConfigLookup> {
  if (flagPath !== undefined) {
    try {
      return { kind: 'found', origin: 'flag', source: flagPath, text: await readFile(flagPath, 'utf8') };
    } catch (err) {
      return { kind: 'unreadable', origin: 'flag', source: flagPath, error: messageOf(err) };
    }
  }
  const persisted = platform.paths.configFile;
  try {
    return { kind: 'found', origin: 'state', source: persisted, text: await readFile(persisted, 'utf8') };
  } catch (err) {
    if (!isMissing(err)) return { kind: 'unreadable', origin: 'state', source: persisted, error: messageOf(err) };
  }
  const userData = platform.userData();
  if (userData !== undefined) {
    const text = Buffer.from(userData, 'base64').toString('utf8');
    return { kind: 'found', origin: 'userdata', source: 'USERDATA', text };
  }
  return { kind: 'none' };
}

export type ConfigCheck = { ok: true; config: ConfigBundle; warnings: string[] } | { ok: false; errors: string[] };

/** Loads and validates a config; errors are values, formatted with where they are. */
export function checkConfig(text: string, options: { source: string; mode: ValidationMode }): ConfigCheck {
  const loaded = loadConfig(text, { source: options.source });
  const warnings = loaded.warnings.map((w) => formatConfigIssue(w, { severity: 'warning' }));
  if (loaded.config === undefined || loaded.errors.length > 0) {
    return { ok: false, errors: loaded.errors.map((e) => formatConfigIssue(e, { severity: 'error' })) };
  }
  const checked = validateConfig(loaded.config, { mode: options.mode });
  if (checked.errors.length > 0) {
    return { ok: false, errors: checked.errors.map((e) => formatConfigIssue(e, { severity: 'error' })) };
  }
  warnings.push(...checked.warnings.map((w) => formatConfigIssue(w, { severity: 'warning' })));
  return { ok: true, config: loaded.config, warnings };
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
