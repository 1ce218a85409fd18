// What machined needs from the machine it runs on. Everything OS-specific (where state lives, the
// node's address and hostname, the kernel log, how a reboot happens, which services cannot run) is
// behind this interface, so the container and metal platforms differ from the process one only here.
import { join } from 'node:path';

export type PlatformName = 'process' | 'container' | 'metal';

/** The node's paths under the platform root (docs/NODE.md). */
export interface NodePaths {
  readonly root: string;
  readonly configFile: string;
  readonly stateDir: string;
  readonly ephemeralDir: string;
  /** The durable resource state (config and secrets namespaces). */
  readonly resourcesDir: string;
  readonly machinedSocket: string;
  readonly apidRunDir: string;
  readonly trustdRunDir: string;
}

export function nodePaths(root: string): NodePaths {
  return {
    root,
    configFile: join(root, 'system/state/config.yaml'),
    stateDir: join(root, 'system/state'),
    ephemeralDir: join(root, 'var'),
    resourcesDir: join(root, 'system/state/resources'),
    machinedSocket: join(root, 'system/run/machined/machine.sock'),
    apidRunDir: join(root, 'system/run/apid'),
    trustdRunDir: join(root, 'system/run/trustd'),
  };
}

/** How the node restarts: in place (the process platform) or by the kernel. */
export type RebootMode = 'in-process' | 'kernel';

export interface Platform {
  readonly name: PlatformName;
  /** Talos's PlatformInfo.mode: `container`, `metal`, or `process`. */
  readonly mode: string;
  readonly paths: NodePaths;
  readonly rebootMode: RebootMode;
  /** The node's own address (what apid and trustd listen on). */
  address(): string;
  /** The hostname the node uses when its config names none. */
  defaultHostname(): string;
  /** The host's kernel log, or why it cannot be read here. */
  kernelLog(): Promise<{ lines: string[] } | { unavailable: string }>;
  /**
   * Where file RPCs (List, Read, Copy, DiskUsage) are rooted: `/` on metal and container, the
   * state directory on the process platform so that nothing outside the node's own tree is read.
   */
  readonly filesRoot: string;
  /** Where /proc is read from for Processes, Memory, LoadAvg, SystemStat, CPUInfo and Mounts. */
  readonly procRoot: string;
  /**
   * Where machined records the id of each boot when the kernel's own boot id does not change with
   * a reboot (the process platform, whose file RPCs are rooted in the state dir, so clients read it
   * at the usual path); undefined where the kernel's `/proc/sys/kernel/random/boot_id` is the truth.
   */
  readonly bootIdFile: string | undefined;
  /** Services this platform skips, with the reason shown in ServiceList. */
  readonly skippedServices: ReadonlyMap<string, string>;
  /** The USERDATA config source (the container platform), or undefined. */
  userData(): string | undefined;
}
