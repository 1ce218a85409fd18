// Container ulimits that fit the host: never above the host's hard limit, since raising an rlimit
// needs CAP_SYS_RESOURCE, which these machines (and many CI hosts) do not grant.
import { readFileSync } from 'node:fs';

export interface Ulimit {
  /** Docker's name: nofile, nproc, memlock, ... */
  Name: string;
  Soft: number;
  Hard: number;
}

/** Docker's ulimit names and the /proc/PID/limits rows they read. */
const rows: Record<string, string> = {
  nofile: 'Max open files',
  nproc: 'Max processes',
  memlock: 'Max locked memory',
  core: 'Max core file size',
  stack: 'Max stack size',
};

/** Hard limits by Docker name from /proc/self/limits text; `unlimited` is Infinity. */
export function parseHardLimits(text: string): Map<string, number> {
  const limits = new Map<string, number>();
  for (const [name, row] of Object.entries(rows)) {
    const line = text.split('\n').find((l) => l.startsWith(row));
    if (line === undefined) continue;
    const fields = line.slice(row.length).trim().split(/\s+/);
    const hard = fields[1];
    if (hard === undefined) continue;
    limits.set(name, hard === 'unlimited' ? Infinity : Number(hard));
  }
  return limits;
}

/**
 * The host's hard limits from /proc/self/limits, with nproc also capped at kernel.pid_max: an engine
 * (Podman's service) may run with nproc at pid_max, below ours, and runc then fails to apply more.
 */
export function readHardLimits(paths: { limits?: string; pidMax?: string } = {}): Map<string, number> {
  const limits = parseHardLimits(readFileSync(paths.limits ?? '/proc/self/limits', 'utf8'));
  const pidMax = Number(readOptional(paths.pidMax ?? '/proc/sys/kernel/pid_max'));
  const nproc = limits.get('nproc');
  if (nproc !== undefined && Number.isFinite(pidMax) && pidMax > 0) limits.set('nproc', Math.min(nproc, pidMax));
  return limits;
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * The wanted ulimits lowered to the host's hard limits (soft never above hard); a limit the host
 * does not report is dropped rather than guessed, so the container inherits the engine's.
 */
export function clampUlimits(wanted: readonly Ulimit[], hard: ReadonlyMap<string, number>): Ulimit[] {
  const result: Ulimit[] = [];
  for (const u of wanted) {
    const max = hard.get(u.Name);
    if (max === undefined) continue;
    const Hard = Math.min(u.Hard, max);
    result.push({ Name: u.Name, Soft: Math.min(u.Soft, Hard), Hard });
  }
  return result;
}

/** What a node wants: Talos's docker provider asks for 1048576 open files and 65536 processes. */
export const NodeUlimits: readonly Ulimit[] = [
  { Name: 'nofile', Soft: 1_048_576, Hard: 1_048_576 },
  { Name: 'nproc', Soft: 65_536, Hard: 65_536 },
];
