// The member's data directory: whether it holds data (then etcd restarts from it, and bootstrap,
// join and recover must not touch it), and wiping it after the member left the cluster.
import { readdir, rm } from 'node:fs/promises';

/** Whether `dataDir` exists and is not empty. */
export async function hasEtcdData(dataDir: string): Promise<boolean> {
  try {
    return (await readdir(dataDir)).length > 0;
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return false;
    throw new Error(`cannot read the etcd data directory ${dataDir}`, { cause: err });
  }
}

/** Removes the data directory and everything in it. */
export async function wipeEtcdData(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
}
