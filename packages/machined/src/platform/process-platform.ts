// The process platform: a node is a set of ordinary processes under one state directory, on its own
// loopback address. Nothing needs root: services that do (a kernel, udevd, containerd) are skipped,
// a reboot restarts machined's work in place, and file RPCs are rooted at the state directory.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { nodePaths, type Platform } from './platform.ts';

export interface ProcessPlatformOptions {
  stateDir: string;
  address: string;
  /** Where the kernel log is read when readable (tests point it elsewhere). */
  kmsgPath?: string;
}

/** Services Talos runs that have no meaning for a node made of ordinary processes. */
const skipped: ReadonlyMap<string, string> = new Map([
  ['udevd', 'the process platform has no devices of its own to manage'],
  ['containerd', 'containers need root; the process platform runs services as plain processes'],
  ['kubelet', 'kubelet needs root and cgroups; it is not run on the process platform'],
]);

export function processPlatform(options: ProcessPlatformOptions): Platform {
  const root = resolve(options.stateDir);
  const kmsg = options.kmsgPath ?? '/dev/kmsg';
  return {
    name: 'process',
    mode: 'process',
    paths: nodePaths(root),
    rebootMode: 'in-process',
    filesRoot: root,
    procRoot: '/proc',
    skippedServices: skipped,
    address: () => options.address,
    defaultHostname: () => `${hostname().split('.')[0] ?? 'node'}-${options.address.replaceAll(/[.:]/g, '-')}`,
    userData: () => undefined,
    kernelLog: () => readKernelLog(kmsg),
  };
}

async function readKernelLog(path: string): Promise<{ lines: string[] } | { unavailable: string }> {
  try {
    // /dev/kmsg blocks on read at the end; a regular dmesg copy does not. Read with a bound.
    const text = await readFile(path, { encoding: 'utf8', signal: AbortSignal.timeout(500) });
    return { lines: text.split('\n').filter((l) => l !== '') };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      unavailable: `the host kernel log ${path} is not readable by machined (${why}); on the process platform dmesg needs read access to it`,
    };
  }
}
