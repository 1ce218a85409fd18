import { stat } from 'node:fs/promises';
import { runTool } from './run-tool.ts';

/** The compressor of the node image: zstd decompresses fast at boot and compresses twice as fast as xz. */
export const SquashfsCompression = 'zstd';

/**
 * The mksquashfs arguments that make the image reproducible: every timestamp fixed (files and the
 * superblock), every owner root, no xattrs from the build host, a fresh file each time. Directory
 * entries are always sorted by mksquashfs, and its output does not depend on the thread count.
 */
export function squashfsArgs(root: string, out: string): string[] {
  return [
    root, out,
    '-noappend', '-comp', SquashfsCompression, '-all-root', '-all-time', '0', '-mkfs-time', '0',
    '-no-xattrs', '-no-progress', '-quiet',
  ]; // prettier-ignore
}

/** Builds the SquashFS, reporting progress every few seconds while mksquashfs compresses. */
export async function makeSquashfs(
  root: string,
  out: string,
  options: { signal?: AbortSignal | undefined; onProgress?: ((line: string) => void) | undefined } = {},
): Promise<number> {
  const progress = options.onProgress ?? (() => undefined);
  const started = Date.now();
  progress(`squashfs: compressing with ${SquashfsCompression}`);
  const timer = setInterval(() => {
    progress(`squashfs: still compressing (${String(Math.round((Date.now() - started) / 1000))}s)`);
  }, 5000);
  try {
    await runTool('mksquashfs', squashfsArgs(root, out), {
      signal: options.signal,
      // mksquashfs refuses SOURCE_DATE_EPOCH next to -all-time; the flags already pin every time.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SOURCE_DATE_EPOCH')),
    });
  } finally {
    clearInterval(timer);
  }
  const { size } = await stat(out);
  progress(`squashfs: ${String(size)} bytes in ${String(Math.round((Date.now() - started) / 100) / 10)}s`);
  return size;
}
