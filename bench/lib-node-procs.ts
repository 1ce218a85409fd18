// Memory of every process of a node container, read on the host: the container's init (State.Pid,
// machined) and all its descendants (containerd shims are reparented to it, pod containers are the
// shims' children), each named by what it runs and summed per name (RSS and PSS, see
// lib-node-rss.ts), plus the container's memory cgroup usage when the host exposes it (cgroup v1
// memory.usage_in_bytes, else cgroup v2 memory.current).
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface ProcGroup {
  name: string;
  count: number;
  rssKiB: number;
  pssKiB: number;
}

export interface NodeProcMemory {
  groups: ProcGroup[];
  rssKiB: number;
  pssKiB: number;
  /** The container's memory cgroup usage in bytes, or undefined when the host hides it. */
  cgroupBytes: number | undefined;
}

async function kib(path: string, name: string): Promise<number> {
  const text = await readFile(path, 'utf8');
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

async function children(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${String(pid)}/task`).catch(() => []);
  const all: number[] = [];
  for (const t of tasks) {
    const text = await readFile(`/proc/${String(pid)}/task/${t}/children`, 'utf8').catch(() => '');
    for (const s of text.split(' ')) if (s.trim() !== '') all.push(Number(s));
  }
  return all;
}

/**
 * What a process runs: the Node programs (`node /sbin/init [PROGRAM] ...`) by their program (none
 * or a flag: machined; `apid`, `trustd`), the CRI containerd (config under /system/etc/cri) as
 * `cri-containerd`, containerd's shims as one name, others by their base name; the container's
 * init (tini) as `init(tini)`.
 */
async function nameOf(pid: number, init: number): Promise<string> {
  const argv = (await readFile(`/proc/${String(pid)}/cmdline`, 'utf8').catch(() => ''))
    .split('\0')
    .filter((s) => s !== '');
  const prog = basename(argv[0] ?? '?');
  if (prog === 'node' || (argv[0] ?? '').endsWith('/sbin/init')) {
    const next = argv[prog === 'node' ? 2 : 1];
    return next === undefined || next.startsWith('-') ? 'machined' : basename(next);
  }
  if (pid === init) return `init(${prog})`;
  if (prog === 'containerd' && argv.some((a) => a.includes('/cri/'))) return 'cri-containerd';
  if (prog.startsWith('containerd-shim')) return 'containerd-shim';
  return prog;
}

async function cgroupBytes(pid: number): Promise<number | undefined> {
  const lines = (await readFile(`/proc/${String(pid)}/cgroup`, 'utf8').catch(() => '')).split('\n');
  const v1 = lines.find((l) => /^\d+:[^:]*\bmemory\b[^:]*:/.test(l));
  const candidates: string[] = [];
  if (v1 !== undefined) candidates.push(`/sys/fs/cgroup/memory${v1.split(':')[2] ?? ''}/memory.usage_in_bytes`);
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (v2 !== undefined) candidates.push(`/sys/fs/cgroup${v2.slice(3)}/memory.current`);
  for (const path of candidates) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (/^\d+\s*$/.test(text)) return Number(text.trim());
  }
  return undefined;
}

/** Every process under `init` (the node container's init on the host), grouped by name, largest PSS first. */
export async function nodeProcMemory(init: number): Promise<NodeProcMemory> {
  const groups = new Map<string, ProcGroup>();
  const seen = new Set<number>();
  const queue = [init];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...(await children(pid)));
    const rss = await kib(`/proc/${String(pid)}/status`, 'VmRSS').catch(() => 0);
    const pss = await kib(`/proc/${String(pid)}/smaps_rollup`, 'Pss').catch(() => 0);
    const name = await nameOf(pid, init);
    const g = groups.get(name) ?? { name, count: 0, rssKiB: 0, pssKiB: 0 };
    g.count += 1;
    g.rssKiB += rss;
    g.pssKiB += pss;
    groups.set(name, g);
  }
  const list = [...groups.values()].sort((a, b) => b.pssKiB - a.pssKiB);
  return {
    groups: list,
    rssKiB: list.reduce((s, g) => s + g.rssKiB, 0),
    pssKiB: list.reduce((s, g) => s + g.pssKiB, 0),
    cgroupBytes: await cgroupBytes(init),
  };
}
