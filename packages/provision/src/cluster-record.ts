// cluster.json: what a provisioner started, written before the first node starts and after each,
// so that `cluster destroy` can clean up a half-created cluster too.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@bronze/machinery';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';
import type { NodeRole } from './provisioner.ts';

export const ClusterFile = 'cluster.json';

export interface NodeRecord {
  name: string;
  role: NodeRole;
  address: string;
  pid?: number;
  stateDir: string;
  configPath: string;
  logPath: string;
}

export interface ClusterRecord {
  name: string;
  provisioner: string;
  createdAt: string;
  subnet: string;
  kubernetesEndpoint: string;
  /** The program each node runs (the multi-call entry), to recognise our processes by. */
  program: string;
  talosconfig?: { path: string; context: string; previousContext: string };
  nodes: NodeRecord[];
}

/** The state root: `--state`, else ~/.bronze/clusters. */
export function stateRoot(flag: string | undefined, home = homedir()): string {
  return resolve(flag !== undefined && flag !== '' ? flag : join(home, '.bronze', 'clusters'));
}

export function clusterDir(root: string, name: string): string {
  return join(root, name);
}

export async function writeClusterRecord(dir: string, record: ClusterRecord): Promise<void> {
  await writeFileAtomic(
    { path: join(dir, ClusterFile), data: `${JSON.stringify(record, null, 2)}\n`, mode: 0o600 },
    { force: true },
  );
}

/** The record, or undefined when the directory holds no cluster.json. */
export async function readClusterRecord(dir: string): Promise<ClusterRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, ClusterFile), 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw new ProvisionError(ProvisionErrorCode.invalid, `cannot read ${join(dir, ClusterFile)}`, { cause: err });
  }
  try {
    return checkRecord(JSON.parse(text) as unknown);
  } catch (err) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `${join(dir, ClusterFile)} is not a cluster record: remove the directory ${dir} by hand once no node of it runs`,
      { cause: err },
    );
  }
}

function checkRecord(value: unknown): ClusterRecord {
  if (typeof value !== 'object' || value === null) throw new Error('not an object');
  const r = value as Partial<ClusterRecord>;
  if (typeof r.name !== 'string' || typeof r.subnet !== 'string' || !Array.isArray(r.nodes)) {
    throw new Error('name, subnet or nodes missing');
  }
  return r as ClusterRecord;
}

/** Names of the clusters (directories with a cluster.json) under the state root. */
export async function listClusterNames(root: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return [];
    throw err;
  }
  const names: string[] = [];
  for (const name of entries.sort()) {
    if ((await readClusterRecord(join(root, name)).catch(() => undefined)) !== undefined) names.push(name);
  }
  return names;
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}
