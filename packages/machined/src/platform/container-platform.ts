// The container platform: the node is a container whose root is `/`, its config arrives as USERDATA
// (base64) when not persisted, and its address is the container's first non-loopback address. No
// devices to manage, so udevd is skipped; a reboot restarts the work in place, as on the process
// platform (the container runtime owns the real restart).
import { networkInterfaces } from 'node:os';
import { readKernelLog } from './kernel-log.ts';
import { nodePaths, type Platform } from './platform.ts';

export interface ContainerPlatformOptions {
  /** `/` unless told (tests). */
  root?: string;
  /** The node address; the first non-internal IPv4 (then IPv6) address unless told. */
  address?: string;
  env?: NodeJS.ProcessEnv;
}

const skipped: ReadonlyMap<string, string> = new Map([['udevd', 'a container has no devices of its own to manage']]);

export function firstAddress(): string | undefined {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal);
  return (external.find((a) => a.family === 'IPv4') ?? external[0])?.address;
}

export function containerPlatform(options: ContainerPlatformOptions = {}): Platform {
  const root = options.root ?? '/';
  const env = options.env ?? process.env;
  const address = options.address ?? firstAddress() ?? '127.0.0.1';
  return {
    name: 'container',
    mode: 'container',
    paths: nodePaths(root),
    rebootMode: 'in-process',
    filesRoot: root,
    procRoot: '/proc',
    // The kernel's boot id is the node's: a container cannot (and must not) write it.
    bootIdFile: undefined,
    skippedServices: skipped,
    address: () => address,
    defaultHostname: () => `node-${address.replaceAll(/[^0-9a-zA-Z]+/g, '-').toLowerCase()}`,
    userData: () => {
      const v = env['USERDATA'];
      return v === undefined || v === '' ? undefined : v;
    },
    kernelLog: () => readKernelLog('/dev/kmsg'),
  };
}
