// docker-cluster.json under ROOT/NAME: what the docker provider made, beside the secrets, the
// talosconfig and the node configs. The engine's labels are the truth about what exists; the
// record adds what labels cannot hold (the talosconfig context, the published port).
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@bronze/machinery';
import { ProvisionError, ProvisionErrorCode } from '../provision-error.ts';
import type { NodeRole } from '../provisioner.ts';

export const DockerClusterFile = 'docker-cluster.json';

export interface DockerNodeRecord {
  name: string;
  role: NodeRole;
  address: string;
  /** The container id once created. */
  container?: string;
}

export interface DockerClusterRecord {
  name: string;
  provisioner: 'docker';
  createdAt: string;
  socketPath: string;
  image: string;
  subnet: string;
  network: string;
  kubernetesEndpoint: string;
  /** The host port on 127.0.0.1 published to port 50000 of the first control plane. */
  apiPort: number;
  talosconfig?: { path: string; context: string; previousContext: string };
  nodes: DockerNodeRecord[];
}

export async function writeDockerRecord(dir: string, record: DockerClusterRecord): Promise<void> {
  await writeFileAtomic(
    { path: join(dir, DockerClusterFile), data: `${JSON.stringify(record, null, 2)}\n`, mode: 0o600 },
    { force: true },
  );
}

export async function readDockerRecord(dir: string): Promise<DockerClusterRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, DockerClusterFile), 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const r = JSON.parse(text) as Partial<DockerClusterRecord>;
    if (r.provisioner !== 'docker' || typeof r.name !== 'string' || !Array.isArray(r.nodes)) throw new Error('fields');
    return r as DockerClusterRecord;
  } catch (err) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `${join(dir, DockerClusterFile)} is not a docker cluster record: remove ${dir} by hand`,
      { cause: err },
    );
  }
}

export async function listDockerClusters(root: string): Promise<string[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  const names: string[] = [];
  for (const name of entries.sort()) {
    if ((await readDockerRecord(join(root, name)).catch(() => undefined)) !== undefined) names.push(name);
  }
  return names;
}
