import { basename } from 'node:path';
import { ImageError } from './image-error.ts';
import { runTool } from './run-tool.ts';

/** A shared library an image binary needs, and where it lives on the build host. */
export interface Library {
  /** The name binaries ask for (DT_NEEDED) or the loader's path name. */
  name: string;
  /** The host path `ldd` resolved it to. */
  from: string;
  /** Where it goes in the image. */
  to: string;
}

/** Where libraries and the loader go in the image (Debian's multiarch layout). */
export const LibDir = '/lib/x86_64-linux-gnu';

const arrow = /^\s*(\S+)\s+=>\s+(\S+)\s+\(0x[0-9a-f]+\)\s*$/;
const bare = /^\s*(\/\S+)\s+\(0x[0-9a-f]+\)\s*$/;

/**
 * Parses `ldd FILE` output into libraries, the loader included; linux-vdso (in the kernel) is
 * skipped and `not found` is an error naming the binary and the library.
 */
export function parseLdd(output: string, binary: string): Library[] {
  const libs: Library[] = [];
  for (const line of output.split('\n')) {
    if (line.includes('=> not found')) {
      const name = line.trim().split(/\s+/)[0] ?? line.trim();
      throw new ImageError('missing-input', `${binary} needs ${name}, which the build host does not have`);
    }
    const a = arrow.exec(line);
    if (a?.[1] !== undefined && a[2] !== undefined) {
      libs.push({ name: a[1], from: a[2], to: `${LibDir}/${a[1]}` });
      continue;
    }
    const b = bare.exec(line);
    if (b?.[1] !== undefined) libs.push({ name: b[1], from: b[1], to: `${LibDir}/${basename(b[1])}` });
  }
  return libs;
}

/** Resolves the libraries of every binary with `ldd` (one run each), deduplicated by image path. */
export async function resolveLibraries(
  binaries: readonly string[],
  options: { signal?: AbortSignal | undefined } = {},
): Promise<Library[]> {
  const byTarget = new Map<string, Library>();
  for (const bin of binaries) {
    const r = await runTool('ldd', [bin], { signal: options.signal, allowFailure: true });
    if (r.code !== 0) {
      if (/not a dynamic executable/.test(r.stdout + r.stderr)) continue;
      throw new ImageError('tool-failed', `ldd ${bin} exited ${String(r.code)}: ${r.stderr.trim()}`);
    }
    for (const lib of parseLdd(r.stdout, bin)) byTarget.set(lib.to, byTarget.get(lib.to) ?? lib);
  }
  return [...byTarget.values()].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}
