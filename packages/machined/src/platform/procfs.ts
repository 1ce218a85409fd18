// Reading the host's /proc for the system RPCs (Processes, Memory, LoadAvg, SystemStat, CPUInfo,
// Mounts). Parsers are pure functions of the file text; readers take the proc root so tests and
// other platforms can point them elsewhere.
import { readdir, readFile, readlink, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** Kernel clock ticks per second (USER_HZ), 100 on every Linux architecture Bronze runs on. */
const ClockTicks = 100;
const PageSize = 4096;

export interface ProcessFacts {
  pid: number;
  ppid: number;
  state: string;
  threads: number;
  /** Seconds of CPU (user + system). */
  cpuTime: number;
  virtualMemory: bigint;
  residentMemory: bigint;
  command: string;
  executable: string;
  args: string;
}

/** A decimal field as a bigint; anything else (a truncated read) is 0. */
function big(value: string | undefined): bigint {
  return value !== undefined && /^\d+$/.test(value) ? BigInt(value) : 0n;
}

/** `/proc/PID/stat`; the command is in parentheses and may itself hold spaces and parentheses. */
export function parseProcStat(text: string): Omit<ProcessFacts, 'executable' | 'args'> | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const f = text.slice(close + 2).split(' ');
  // Fields after the command, 0-based: state 0, ppid 1, utime 11, stime 12, threads 17, vsize 20, rss 21.
  const num = (i: number): number => Number(f[i] ?? 0);
  return {
    pid,
    ppid: num(1),
    state: f[0] ?? '?',
    threads: num(17),
    cpuTime: (num(11) + num(12)) / ClockTicks,
    virtualMemory: big(f[20]),
    residentMemory: big(f[21]) * BigInt(PageSize),
    command: text.slice(open + 1, close),
  };
}

export async function readProcesses(procRoot: string): Promise<ProcessFacts[]> {
  const pids = (await readdir(procRoot)).filter((d) => /^\d+$/.test(d));
  const out: ProcessFacts[] = [];
  for (const pid of pids) {
    const dir = join(procRoot, pid);
    try {
      const stat = parseProcStat(await readFile(join(dir, 'stat'), 'utf8'));
      if (stat === undefined) continue;
      const cmdline = await readFile(join(dir, 'cmdline'), 'utf8').catch(() => '');
      const executable = await readlink(join(dir, 'exe')).catch(() => '');
      out.push({
        ...stat,
        executable,
        args: cmdline
          .split('\0')
          .filter((a) => a !== '')
          .join(' '),
      });
    } catch {
      // The process exited while we read it.
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** `/proc/meminfo` as lower-cased keys without parentheses or underscores, in kB. */
export function parseMeminfo(text: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    out.set(m[1].toLowerCase().replaceAll(/[()_]/g, ''), BigInt(m[2]));
  }
  return out;
}

export function parseLoadavg(text: string): { load1: number; load5: number; load15: number } {
  const [a = '0', b = '0', c = '0'] = text.trim().split(/\s+/);
  return { load1: Number(a), load5: Number(b), load15: Number(c) };
}

export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softIrq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

export interface SystemStatFacts {
  bootTime: bigint;
  cpuTotal: CpuTimes;
  cpu: CpuTimes[];
  irqTotal: bigint;
  contextSwitches: bigint;
  processCreated: bigint;
  processRunning: bigint;
  processBlocked: bigint;
  softIrqTotal: bigint;
}

function cpuTimes(fields: readonly string[]): CpuTimes {
  const n = (i: number): number => Number(fields[i] ?? 0) / ClockTicks;
  return {
    user: n(0),
    nice: n(1),
    system: n(2),
    idle: n(3),
    iowait: n(4),
    irq: n(5),
    softIrq: n(6),
    steal: n(7),
    guest: n(8),
    guestNice: n(9),
  };
}

export function parseProcStatFile(text: string): SystemStatFacts {
  const facts: SystemStatFacts = {
    bootTime: 0n,
    cpuTotal: cpuTimes([]),
    cpu: [],
    irqTotal: 0n,
    contextSwitches: 0n,
    processCreated: 0n,
    processRunning: 0n,
    processBlocked: 0n,
    softIrqTotal: 0n,
  };
  for (const line of text.split('\n')) {
    const [key = '', ...rest] = line.trim().split(/\s+/);
    const first = big(rest[0]);
    if (key === 'cpu') facts.cpuTotal = cpuTimes(rest);
    else if (/^cpu\d+$/.test(key)) facts.cpu.push(cpuTimes(rest));
    else if (key === 'intr') facts.irqTotal = first;
    else if (key === 'ctxt') facts.contextSwitches = first;
    else if (key === 'btime') facts.bootTime = first;
    else if (key === 'processes') facts.processCreated = first;
    else if (key === 'procs_running') facts.processRunning = first;
    else if (key === 'procs_blocked') facts.processBlocked = first;
    else if (key === 'softirq') facts.softIrqTotal = first;
  }
  return facts;
}

/** `/proc/cpuinfo`: one record per processor, keys as the file spells them. */
export function parseCpuinfo(text: string): Map<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const rec = new Map<string, string>();
      for (const line of block.split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) rec.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      return rec;
    })
    .filter((r) => r.has('processor'));
}

export interface MountFacts {
  filesystem: string;
  mountedOn: string;
  size: bigint;
  available: bigint;
}

export async function readMounts(procRoot: string): Promise<MountFacts[]> {
  const text = await readFile(join(procRoot, 'mounts'), 'utf8');
  const out: MountFacts[] = [];
  for (const line of text.split('\n')) {
    const [filesystem, mountedOn] = line.split(' ');
    if (filesystem === undefined || mountedOn === undefined) continue;
    const on = mountedOn.replaceAll('\\040', ' ');
    const s = await statfs(on, { bigint: true }).catch(() => undefined);
    out.push({
      filesystem,
      mountedOn: on,
      size: s === undefined ? 0n : s.blocks * s.bsize,
      available: s === undefined ? 0n : s.bavail * s.bsize,
    });
  }
  return out;
}

export function readProcFile(procRoot: string, name: string): Promise<string> {
  return readFile(join(procRoot, name), 'utf8');
}
