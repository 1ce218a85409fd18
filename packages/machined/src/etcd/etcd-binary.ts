// The etcd program: where it is and which version it is. Bronze runs the upstream binary (Debian's
// etcd-server now); learners (MemberAdd with isLearner, MemberPromote) need 3.4 or later.
import { execFile } from 'node:child_process';
import { EtcdError } from './etcd-error.ts';

export const DefaultEtcdPath = '/usr/bin/etcd';
/** etcd's own CLI (Debian's etcd-client): the upstream tool Bronze uses to restore snapshots. */
export const DefaultEtcdctlPath = '/usr/bin/etcdctl';

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
