// The etcd program: where it is and which version it is. Bronze runs the upstream binary (etcd 3.6.5
// built from its module on nodes, Debian's etcd-server 3.4 on the process platform); learners (MemberAdd with isLearner, MemberPromote) need 3.4 or later.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EtcdError } from './etcd-error.ts';

export const DefaultEtcdPath = '/usr/bin/etcd';
/** etcd's own CLI (Debian's etcd-client): restores snapshots for an etcd 3.4 (the process platform's host etcd). */
export const DefaultEtcdctlPath = '/usr/bin/etcdctl';

/**
 * The upstream tool that restores a snapshot for the etcd at `etcdBinary`: `etcdutl` beside it
 * (etcd 3.5 and later; the node image carries etcd and etcdutl 3.6.5), else `etcdctl` beside it,
 * else Debian's etcdctl. Both take the same `snapshot restore` arguments.
 */
export function snapshotRestoreTool(etcdBinary: string, exists: (path: string) => boolean = existsSync): string {
  const dir = dirname(etcdBinary);
  for (const name of ['etcdutl', 'etcdctl']) if (exists(join(dir, name))) return join(dir, name);
  return DefaultEtcdctlPath;
}

export interface EtcdVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Reads `etcd --version` (first line `etcd Version: 3.4.23`). */
export async function etcdVersion(binary: string, signal?: AbortSignal): Promise<EtcdVersion> {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(binary, ['--version'], { timeout: 10_000, ...(signal ? { signal } : {}) }, (err, stdout) => {
      if (err !== null) {
        reject(
          new EtcdError('binary', `cannot run ${binary} --version; install etcd with scripts/setup-host`, {
            cause: err,
          }),
        );
      } else resolve(stdout);
    });
  });
  return parseEtcdVersion(out, binary);
}

export function parseEtcdVersion(output: string, binary = 'etcd'): EtcdVersion {
  const m = /etcd Version:\s*v?(\d+)\.(\d+)\.(\d+)\S*/.exec(output);
  if (m === null) {
    throw new EtcdError(
      'binary',
      `cannot read a version from ${binary} --version: ${JSON.stringify(output.slice(0, 80))}`,
    );
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: m[0].split(/\s+/).at(-1) ?? '' };
}

/** Whether etcd `v` supports learner members (3.4+). */
export function supportsLearners(v: EtcdVersion): boolean {
  return v.major > 3 || (v.major === 3 && v.minor >= 4);
}

/** Fails with a clear message when `v` cannot run Bronze's membership (learners). */
export function assertLearnerSupport(v: EtcdVersion, binary: string): void {
  if (!supportsLearners(v)) {
    throw new EtcdError(
      'binary',
      `${binary} is etcd ${v.text}; joining as a learner needs etcd 3.4 or later: install a newer etcd`,
    );
  }
}
