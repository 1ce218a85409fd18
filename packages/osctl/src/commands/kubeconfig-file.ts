// Where osctl writes kubeconfigs (LOCAL-PATH, else the first file of $KUBECONFIG, else
// ~/.kube/config; a directory gets `kubeconfig` in it) and how it merges one in: shared by
// `osctl kubeconfig` and `osctl cluster create`.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { mergeKubeconfig, writeFileAtomic } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';

/** The kubeconfig file to write: LOCAL-PATH, $KUBECONFIG's first file or ~/.kube/config. */
export async function kubeconfigTarget(io: Io, localPath: string | undefined): Promise<string> {
  let path: string;
  if (localPath !== undefined) path = resolve(io.cwd, localPath);
  else {
    const fromEnv = (io.env['KUBECONFIG'] ?? '').split(':').find((p) => p !== '');
    const home = io.env['HOME'];
    if (fromEnv === undefined && (home === undefined || home === '')) {
      throw new UsageError('no LOCAL-PATH, KUBECONFIG or HOME: pass where to write the kubeconfig');
    }
    path = fromEnv === undefined ? join(home ?? '', '.kube', 'config') : resolve(io.cwd, fromEnv);
  }
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? join(path, 'kubeconfig') : path;
}

/** Merges `fresh` into the kubeconfig at `path` (created when missing), atomically, mode 0600. */
export async function mergeIntoKubeconfig(
  io: Io,
  fresh: string,
  options: { path: string; force?: boolean; contextName?: string },
): Promise<string> {
  const { path } = options;
  const existing = await readFile(path, 'utf8').catch((err: unknown) => {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}`, { cause: err });
  });
  const merged = mergeKubeconfig(existing, fresh, {
    force: options.force === true,
    source: path,
    ...(options.contextName === undefined ? {} : { contextName: options.contextName }),
  });
  for (const r of merged.renamed) io.err(`renamed ${r}: ${path} has another cluster of that name\n`);
  await writeFileAtomic({ path, data: merged.text, mode: 0o600 }, { force: true });
  io.out(`merged into ${path}: context ${merged.context} is current\n`);
  return merged.context;
}
