// One loopback /24 per process cluster: 127.0.N.0/24 with N free, nodes on .2, .3, ... Every node
// uses the real ports (50000 apid, 50001 trustd) on its own address, as on real machines. A
// reservation file in the temp directory keeps two creates from picking the same N; every address
// is bound once to prove it is free.
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';
import { isProcessAlive } from './node-process.ts';

/** Ports every node listens on: apid and trustd. */
export const NodePorts = [50000, 50001] as const;

export interface Subnet {
  /** The third octet N of 127.0.N.0/24. */
  index: number;
  cidr: string;
  /** The node addresses, in order: 127.0.N.2, 127.0.N.3, ... */
  addresses: string[];
}

// Test fixtures elsewhere pick 127.0.1-41.x (machined) and 127.0.100-249.x (etcd); start between them.
const first = 50;
const reservationDir = (): string => join(tmpdir(), 'bronze-loopback');

export function subnetOf(index: number, nodes: number): Subnet {
  return {
    index,
    cidr: `127.0.${index}.0/24`,
    addresses: Array.from({ length: nodes }, (_, i) => `127.0.${index}.${i + 2}`),
  };
}

/** Picks a free 127.0.N.0/24 for `nodes` nodes and reserves it for `clusterDir`. */
export async function allocateSubnet(
  nodes: number,
  options: { clusterDir: string; signal?: AbortSignal },
): Promise<Subnet> {
  if (nodes > 250)
    throw new ProvisionError(ProvisionErrorCode.invalid, `${nodes} nodes do not fit in one /24: use at most 250`);
  await mkdir(reservationDir(), { recursive: true, mode: 0o700 });
  const busy: string[] = [];
  for (let i = 0; i < 250; i++) {
    options.signal?.throwIfAborted();
    const index = ((first - 1 + i) % 250) + 1;
    if (!(await reserve(index, options.clusterDir))) continue;
    const subnet = subnetOf(index, nodes);
    const taken = await firstUnbindable(subnet.addresses);
    if (taken === undefined) return subnet;
    busy.push(taken);
    await releaseSubnet(index, options.clusterDir);
  }
  throw new ProvisionError(
    ProvisionErrorCode.addresses,
    `no free loopback subnet 127.0.N.0/24 for ${nodes} nodes (in use: ${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', ...' : ''}): destroy a cluster first`,
  );
}

/** Frees a reservation if `clusterDir` holds it. */
export async function releaseSubnet(index: number, clusterDir: string): Promise<void> {
  const path = join(reservationDir(), `127.0.${index}`);
  const owner = await readOwner(path);
  if (owner?.clusterDir === clusterDir) await rm(path, { force: true });
}

interface Owner {
  clusterDir: string;
  pid: number;
}

async function reserve(index: number, clusterDir: string): Promise<boolean> {
  const path = join(reservationDir(), `127.0.${index}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ clusterDir, pid: process.pid } satisfies Owner));
      await handle.close();
      return true;
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
    if (!(await isStale(path))) return false;
    await rm(path, { force: true });
  }
  return false;
}

/** A reservation is stale when its cluster is gone and the process that made it has ended. */
async function isStale(path: string): Promise<boolean> {
  const owner = await readOwner(path);
  if (owner === undefined) {
    // Being written right now, or garbage: garbage older than a minute is stale.
    const info = await stat(path).catch(() => undefined);
    return info === undefined || Date.now() - info.mtimeMs > 60_000;
  }
  const recorded = await stat(join(owner.clusterDir, 'cluster.json')).catch(() => undefined);
  return recorded === undefined && !isProcessAlive(owner.pid);
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<Owner>;
    return typeof value.clusterDir === 'string' && typeof value.pid === 'number'
      ? { clusterDir: value.clusterDir, pid: value.pid }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The first `address:port` that cannot be bound, or undefined when all can. */
export async function firstUnbindable(addresses: readonly string[]): Promise<string | undefined> {
  for (const address of addresses) {
    for (const port of NodePorts) {
      const error = await tryBind(address, port);
      if (error === 'EADDRNOTAVAIL') {
        throw new ProvisionError(
          ProvisionErrorCode.addresses,
          `cannot bind ${address}:${port}: this host routes only part of 127.0.0.0/8 to loopback; process clusters need all of it (Linux does this by default)`,
        );
      }
      if (error !== undefined) return `${address}:${port}`;
    }
  }
  return undefined;
}

function tryBind(address: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code ?? err.message);
    });
    server.listen({ host: address, port, exclusive: true }, () => {
      server.close(() => {
        resolve(undefined);
      });
    });
  });
}
