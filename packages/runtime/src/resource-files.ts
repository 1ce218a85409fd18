// One file per resource under DIR/<namespace>/<type>/<id>.json. Every write goes to a temporary
// file that is synced and then renamed over the old one, so a crash leaves the old or the new
// resource, never a torn one; temporary files left by a crash are removed on load.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeResource, encodeResource } from './codec.ts';
import type { Pointer, Resource } from './resource.ts';

const tmpSuffix = '.tmp';

/** A file-name-safe form of a namespace, type or id (long ones are hashed; the file holds the real one). */
function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/^[A-Za-z0-9_-]$/.test(ch) || (ch === '.' && out !== '')) out += ch;
    else for (const b of Buffer.from(ch)) out += `%${b.toString(16).padStart(2, '0')}`;
  }
  if (out === '' || out.length > 200) return `h-${createHash('sha256').update(s).digest('hex')}`;
  return out;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class ResourceFiles {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  #kindDir(p: Pointer): string {
    return join(this.#dir, encodeSegment(p.namespace), encodeSegment(p.type));
  }

  pathOf(p: Pointer): string {
    return join(this.#kindDir(p), `${encodeSegment(p.id)}.json`);
  }

  async write(res: Resource): Promise<void> {
    const dir = this.#kindDir(res.metadata);
    const path = this.pathOf(res.metadata);
    const tmp = `${path}.${randomBytes(6).toString('hex')}${tmpSuffix}`;
    try {
      await mkdir(dir, { recursive: true });
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(encodeResource(res) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      await syncDir(dir);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new Error(`failed to persist resource to ${path}`, { cause: err });
    }
  }

  async remove(p: Pointer): Promise<void> {
    const path = this.pathOf(p);
    try {
      await unlink(path);
      await syncDir(this.#kindDir(p));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`failed to remove persisted resource ${path}`, { cause: err });
    }
  }

  /** Every stored resource of these namespaces; a file that does not parse is an error naming it. */
  async load(namespaces: ReadonlySet<string>): Promise<Resource[]> {
    const out: Resource[] = [];
    for (const ns of namespaces) {
      const nsDir = join(this.#dir, encodeSegment(ns));
      for (const typeDir of await listDir(nsDir)) {
        const kindDir = join(nsDir, typeDir);
        for (const name of await listDir(kindDir)) {
          const path = join(kindDir, name);
          if (name.endsWith(tmpSuffix)) await rm(path, { force: true });
          else if (name.endsWith('.json')) out.push(await readOne(path, ns));
        }
      }
    }
    return out;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return [];
    throw new Error(`failed to read state directory ${dir}`, { cause: err });
  }
}

async function readOne(path: string, namespace: string): Promise<Resource> {
  let res: Resource;
  try {
    res = decodeResource(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`stored resource ${path} is damaged; move it away to start without it`, { cause: err });
  }
  if (res.metadata.namespace !== namespace) {
    throw new Error(
      `stored resource ${path} is in namespace ${res.metadata.namespace}, not ${namespace}; move it away`,
    );
  }
  return res;
}
