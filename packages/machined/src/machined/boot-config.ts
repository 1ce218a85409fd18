// The config a boot runs with (docs/NODE.md, "Config sources"). A persisted config.yaml that does
// not read, load or validate (a crash mid-write, a bad disk) falls back to config.yaml.prev, the
// last good one, with an error log and a ConfigLoadError event; only when that fails too does the
// node enter maintenance mode.
import type { ConfigBundle, ValidationMode } from '@bronze/machinery';
import type { EventPublisher } from '../events/runtime-event.ts';
import type { Logger } from '../log/logger.ts';
import type { Platform } from '../platform/platform.ts';
import { checkConfig, findConfig, type ConfigLookup } from './config-source.ts';
import { previousConfigPath, readPreviousConfig, removeStaleTemps } from './config-store.ts';

export interface BootConfigOptions {
  platform: Platform;
  /** `--config FILE`, until a config is applied. */
  flagPath: string | undefined;
  events: EventPublisher;
  logger: Logger;
}

export function validationModeOf(platform: Platform): ValidationMode {
  return platform.mode === 'metal' ? 'metal' : 'container';
}

/** The validated config to boot with, or undefined for maintenance mode. */
export async function loadBootConfig(options: BootConfigOptions): Promise<ConfigBundle | undefined> {
  const { platform, logger, events } = options;
  const configFile = platform.paths.configFile;
  for (const stale of await removeStaleTemps(configFile)) {
    logger.warn('removed a config temp file left by an interrupted write', { file: stale });
  }
  const found = await findConfig(platform, options.flagPath);
  const used = use(found, options);
  if (used !== undefined || found.kind === 'none' || found.origin !== 'state') return used;
  const previous = await readPreviousConfig(configFile);
  if (previous === undefined) return undefined;
  const source = previousConfigPath(configFile);
  const checked = checkConfig(previous, { source, mode: validationModeOf(platform) });
  if (!checked.ok) {
    logger.error(`the previous config is refused too: entering maintenance mode\n${checked.errors.join('\n')}`, {
      source,
    });
    return undefined;
  }
  const error = `${configFile} is damaged; booting with the previous good config ${source}: apply a config again to replace it`;
  events.publish({ type: 'config-load-error', error });
  logger.error(error);
  return checked.config;
}

function use(found: ConfigLookup, options: BootConfigOptions): ConfigBundle | undefined {
  const { logger, events, platform } = options;
  if (found.kind === 'none') {
    logger.warn('no machine config: entering maintenance mode; apply one with ApplyConfiguration');
    return undefined;
  }
  if (found.kind === 'unreadable') {
    events.publish({ type: 'config-load-error', error: `${found.source}: ${found.error}` });
    logger.error('cannot read the machine config', { source: found.source, error: found.error });
    return undefined;
  }
  const checked = checkConfig(found.text, { source: found.source, mode: validationModeOf(platform) });
  if (!checked.ok) {
    const error = checked.errors.join('\n');
    events.publish({ type: 'config-validation-error', error });
    logger.error(`the machine config is refused\n${error}`, { source: found.source });
    return undefined;
  }
  for (const w of checked.warnings) logger.warn(w);
  return checked.config;
}
