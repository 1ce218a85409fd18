// Memory of a node container's machined and apid, read on the host from /proc of the container's
// processes: the container's init (State.Pid) is machined, apid is its child started as
// `/sbin/init apid ...`. RSS counts every resident page a process maps, so the Node binary's pages,
// shared by machined and apid (and trustd), count once per process; PSS (smaps_rollup) divides
// shared pages among every process mapping them, so PSS sums to what the host really spends. Every
// node container maps the same image layer, so a node's PSS falls as the cluster grows.
import { readdir, readFile } from 'node:fs/promises';

export interface ProcMemory {
  pid: number;
  rssKiB: number;
  pssKiB: number;
}

export interface NodeMemory {
  machined: ProcMemory;
  apid: ProcMemory | undefined;
}

async function field(path: string, name: string): Promise<number> {
  const text = await readFile(path, 'utf8');
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  if (m?.[1] === undefined) throw new Error(`${path} has no ${name} line`);
  return Number(m[1]);
}

async function memoryOf(pid: number): Promise<ProcMemory> {
  return {
    pid,
    rssKiB: await field(`/proc/${String(pid)}/status`, 'VmRSS'),
    pssKiB: await field(`/proc/${String(pid)}/smaps_rollup`, 'Pss'),
  };
}

async function children(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${String(pid)}/task`);
  const all: number[] = [];
  for (const t of tasks) {
    const text = await readFile(`/proc/${String(pid)}/task/${t}/children`, 'utf8').catch(() => '');
    all.push(
      ...text
        .split(' ')
        .filter((s) => s.trim() !== '')
        .map(Number),
    );
  }
  return all;
}

async function argv(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${String(pid)}/cmdline`, 'utf8')).split('\0').filter((s) => s !== '');
}

/** machined (the container's init, `pid` on the host) and its apid child. */
export async function nodeMemory(pid: number): Promise<NodeMemory> {
  const init = await argv(pid);
  if (!init.some((a) => a.endsWith('/sbin/init') || a.endsWith('/sbin/machined')))
    throw new Error(`pid ${String(pid)} is not machined: ${init.join(' ')}`);
  let apid: ProcMemory | undefined;
  for (const child of await children(pid)) {
    const args = await argv(child).catch(() => []);
    if (args[2] === 'apid' || args.some((a) => a.endsWith('/sbin/apid'))) apid = await memoryOf(child);
  }
  return { machined: await memoryOf(pid), apid };
}
