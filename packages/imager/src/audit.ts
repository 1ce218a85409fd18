import { lstat, open, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isElf, parseElf } from './elf.ts';
import { walkTree } from './tree.ts';

/** Names that must not exist anywhere in the image: shells, busybox, coreutils, package managers. */
export const ForbiddenNames: ReadonlySet<string> = new Set([
  'sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'csh', 'tcsh', 'fish', 'busybox', 'toybox',
  'ls', 'cat', 'cp', 'mv', 'rm', 'chmod', 'chown', 'mkdir', 'env', 'coreutils',
  'apt', 'apt-get', 'dpkg', 'rpm', 'yum', 'dnf', 'apk', 'pip', 'npm', 'npx',
]); // prettier-ignore

/** Where the loader looks for libraries when a binary sets no run path. */
const SearchDirs = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/lib', '/usr/lib'];

export interface AuditResult {
  errors: string[];
  elfFiles: number;
  files: number;
}

/** Resolves an image path inside `root`, following symlinks as the image would (absolute = image root). */
export async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  let current = posix.normalize(path);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = await lstat(join(root, current));
    } catch {
      return undefined;
    }
    if (!st.isSymbolicLink()) return current;
    const target = await readlink(join(root, current));
    current = posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(current), target));
  }
  return undefined;
}

async function head(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

async function auditElf(root: string, image: string, errors: string[]): Promise<void> {
  const info = parseElf(await readFile(join(root, image)), `/${image}`);
  if (info.interpreter !== undefined && (await resolveInRoot(root, info.interpreter)) === undefined)
    errors.push(`/${image}: its loader ${info.interpreter} is not in the image`);
  for (const lib of info.needed) {
    let found = false;
    for (const dir of SearchDirs) if ((await resolveInRoot(root, `${dir}/${lib}`)) !== undefined) found = true;
    if (!found) errors.push(`/${image}: needs ${lib}, which is in none of ${SearchDirs.join(', ')}`);
  }
}

/**
 * Checks a root file system: no shell, busybox, coreutils or package manager by name, and every
 * ELF file's loader and DT_NEEDED libraries present (parsed here, not by running the loader).
 */
/** Links into /system (a tmpfs on a node, filled by machined at each boot) may dangle in the image. */
function intoSystem(path: string, target: string | undefined): boolean {
  if (target === undefined) return false;
  return posix.resolve('/', posix.dirname(path), target).startsWith('/system/');
}

export async function auditRootfs(root: string, signal?: AbortSignal): Promise<AuditResult> {
  const errors: string[] = [];
  let elfFiles = 0;
  let files = 0;
  for (const e of await walkTree(root, signal)) {
    const name = posix.basename(e.path);
    if (ForbiddenNames.has(name)) errors.push(`/${e.path}: ${name} must not be in the image (no shell, no coreutils)`);
    if (
      e.type === 'symlink' &&
      !intoSystem(e.path, e.linkTarget) &&
      (await resolveInRoot(root, `/${e.path}`)) === undefined
    )
      errors.push(`/${e.path}: dangling symlink to ${e.linkTarget ?? ''}`);
    if (e.type !== 'file') continue;
    files++;
    if (e.size < 64 || !isElf(await head(join(root, e.path)))) continue;
    elfFiles++;
    await auditElf(root, e.path, errors);
  }
  return { errors, elfFiles, files };
}
