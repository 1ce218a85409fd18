// Paths of the file RPCs, as the node sees them (`/var/log`), mapped under the platform's files root
// (`/` on metal, the state directory on the process platform). Nothing outside the root is reachable,
// not through `..` and not through a symbolic link.
import { realpath } from 'node:fs/promises';
import { posix, relative, resolve, sep } from 'node:path';
import { ApiError } from '@bronze/machinery';

export interface NodePath {
  /** The path as the node names it: absolute, normalized. */
  node: string;
  /** Where it is on this host. */
  host: string;
}

export async function resolveNodePath(root: string, path: string): Promise<NodePath> {
  if (path === '')
    throw new ApiError('invalid-argument', 'the request names no path; pass an absolute path such as /var/log');
  const node = posix.normalize(posix.join('/', path));
  const host = resolve(root, `.${node}`);
  let real: string;
  try {
    real = await realpath(host);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') {
      throw new ApiError('not-found', `${node}: no such file or directory on this node`);
    }
    throw err;
  }
  const realRoot = await realpath(root);
  const rel = relative(realRoot, real);
  if (rel.startsWith('..') || rel.startsWith(sep)) {
    throw new ApiError('permission-denied', `${node}: resolves outside the node's file tree`);
  }
  return { node, host };
}

/** The node path of a host path under the root. */
export function nodePathOf(root: string, host: string): string {
  const rel = relative(root, host).split(sep).join('/');
  return rel === '' ? '/' : `/${rel}`;
}
