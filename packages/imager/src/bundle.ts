import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageError } from './image-error.ts';
import { runTool } from './run-tool.ts';
import { pathExists } from './path-exists.ts';

/** The multi-call entry (docs/NODE.md): one bundle behind /sbin/init, the roles as symlinks to it. */
export const InitEntry = 'packages/machined/src/main.ts';
export const InitRoles = ['machined', 'apid', 'trustd'] as const;

export type BundleResult =
  { status: 'bundled'; file: string; bytes: number; sha256: string } | { status: 'skipped'; reason: string };

/**
 * Bundles machined, apid and trustd with esbuild into `outFile` (ESM, Node 24, a `#!/usr/bin/node`
 * line so the kernel runs it without a shell). A missing entry fails; a missing esbuild skips the
 * step with the reason, since esbuild is not a dependency of the repository yet.
 */
export async function bundleInit(
  outFile: string,
  options: { repoRoot: string; signal?: AbortSignal | undefined },
): Promise<BundleResult> {
  const entry = join(options.repoRoot, InitEntry);
  if (!(await pathExists(entry)))
    throw new ImageError(
      'missing-input',
      `the multi-call entry ${entry} does not exist yet; /sbin/init is bundled from it (see docs/NODE.md)`,
    );
  const esbuild = join(options.repoRoot, 'node_modules', '.bin', 'esbuild');
  if (!(await pathExists(esbuild)))
    return {
      status: 'skipped',
      reason: `esbuild is not installed (no ${esbuild}); the image has no /sbin/init until esbuild is added as a dependency`,
    };
  const banner =
    "#!/usr/bin/node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
  await runTool(
    esbuild,
    [
      entry,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node24',
      '--legal-comments=none',
      '--log-level=warning',
      `--banner:js=${banner}`,
      `--outfile=${outFile}`,
    ],
    { signal: options.signal, env: { ...process.env, SOURCE_DATE_EPOCH: '0' } },
  );
  const data = await readFile(outFile);
  return {
    status: 'bundled',
    file: outFile,
    bytes: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
  };
}

/** Places a bundle at /sbin/init (0755) with the role names as symlinks to it. */
export async function installInit(root: string, bundle: BundleResult): Promise<void> {
  if (bundle.status !== 'bundled') return;
  await mkdir(join(root, 'sbin'), { recursive: true });
  await copyFile(bundle.file, join(root, 'sbin', 'init'));
  await chmod(join(root, 'sbin', 'init'), 0o755);
  for (const role of InitRoles) await symlink('init', join(root, 'sbin', role));
}
