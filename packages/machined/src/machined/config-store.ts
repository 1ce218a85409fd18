// The persisted machine config on STATE, written so that a crash at any point of the write leaves a
// config the node can boot with: the new text goes to a temp file (fsync), the current good file is
// kept as `config.yaml.prev`, the temp file is renamed over `config.yaml`, and the directory is
// fsynced so the rename itself survives a power loss. At boot a `config.yaml` that does not load or
// validate falls back to `config.yaml.prev` (loudly), and temp files left by a crash are removed.
import { randomBytes } from 'node:crypto';
import { copyFile, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The previous good config, beside the config file. */
export function previousConfigPath(configFile: string): string {
  return `${configFile}.prev`;
}

/** Writes `text` as the persisted config, keeping the file it replaces as `.prev`. */
export async function persistConfig(configFile: string, text: string): Promise<void> {
  const dir = dirname(configFile);
  const temp = join(dir, `.${basename(configFile)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeSynced(temp, text);
    await copyIfExists(configFile, previousConfigPath(configFile));
    await rename(temp, configFile);
    await syncDir(dir);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Removes temp files a crashed write left beside the config; returns their names. */
export async function removeStaleTemps(configFile: string): Promise<string[]> {
  const dir = dirname(configFile);
  const prefix = `.${basename(configFile)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'));
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
  return stale;
}

/** The text of the previous good config, or undefined when there is none. */
export async function readPreviousConfig(configFile: string): Promise<string | undefined> {
  try {
    return await readFile(previousConfigPath(configFile), 'utf8');
  } catch {
    return undefined;
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Copies `from` to `to` atomically and durably; false when `from` does not exist. */
async function copyIfExists(from: string, to: string): Promise<boolean> {
  const temp = join(dirname(to), `.${basename(to)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(from, temp);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return false;
    throw err;
  }
  try {
    const handle = await open(temp, 'r+');
    try {
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, to);
    return true;
  } finally {
    await rm(temp, { force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
