// The process platform: a node is a set of ordinary processes under one state directory, on its own
// loopback address. Nothing needs root: services that do (a kernel, udevd, containerd) are skipped,
// a reboot restarts machined's work in place, and file RPCs are rooted at the state directory.
import { join, resolve } from 'node:path';
import { readKernelLog } from './kernel-log.ts';
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
  ['cri', 'the CRI containerd needs root and cgroups; the process platform runs no pods'],
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
    bootIdFile: join(root, 'proc/sys/kernel/random/boot_id'),
    skippedServices: skipped,
    address: () => options.address,
    // A DNS label unique per node on this host: `node-127-0-1-2`.
    defaultHostname: () => `node-${options.address.replaceAll(/[^0-9a-zA-Z]+/g, '-').toLowerCase()}`,
    userData: () => undefined,
    kernelLog: () => readKernelLog(kmsg),
  };
}
