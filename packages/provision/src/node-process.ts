// A process-platform node is one detached machined process (which starts apid and trustd itself).
// We recognise our processes by their command line: the node program and `--state-dir DIR`, so a
// recorded pid that the kernel has since given to someone else is never signalled.
import { spawn } from 'node:child_process';
import { open, readFile, readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StartNodeOptions {
  /** The Node.js binary (default: the one running us). */
  nodeBinary: string;
  /** The multi-call entry, packages/machined/src/main.ts. */
  program: string;
  stateDir: string;
  address: string;
  configPath: string;
  logPath: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts machined detached from us, stdout and stderr appended to the log; returns its pid. */
export async function startNodeProcess(options: StartNodeOptions): Promise<number> {
  const log = await open(options.logPath, 'a', 0o600);
  try {
    const child = spawn(
      options.nodeBinary,
      [
        options.program,
        'machined',
        '--platform',
        'process',
        '--state-dir',
        options.stateDir,
        '--address',
        options.address,
        '--config',
        options.configPath,
      ],
      { detached: true, stdio: ['ignore', log.fd, log.fd], env: options.env ?? process.env, cwd: options.stateDir },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        if (child.pid === undefined) reject(new Error('spawn reported no pid'));
        else resolve(child.pid);
      });
    });
    child.unref();
    return pid;
  } finally {
    await log.close();
  }
}

/** The argument vector of a live (non-zombie) process, or undefined. */
export async function commandLineOf(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name in parentheses, which may itself hold spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return undefined;
    const text = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const args = text.split('\0');
    if (args.at(-1) === '') args.pop();
    return args.length === 0 ? undefined : args;
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}

/** True when `args` is a process of the node program for `stateDir` (machined, apid or trustd). */
export function isNodeCommandLine(args: readonly string[], stateDir: string, program?: string): boolean {
  const at = args.indexOf('--state-dir');
  if (at < 0 || args[at + 1] !== stateDir) return false;
  return program === undefined || args.includes(program);
}

/** Is `pid` still machined of this node? */
export async function isOurMachined(pid: number, stateDir: string, program: string): Promise<boolean> {
  const args = await commandLineOf(pid);
  return args !== undefined && args.includes('machined') && isNodeCommandLine(args, stateDir, program);
}

/** Every live process on the host that belongs to the node at `stateDir`. */
export async function nodeProcesses(stateDir: string): Promise<number[]> {
  return processesWhere((args) => isNodeCommandLine(args, stateDir));
}

async function processesWhere(match: (args: string[]) => boolean): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const args = await commandLineOf(pid);
    if (args !== undefined && match(args)) found.push(pid);
  }
  return found;
}

/**
 * Kills (SIGKILL) every node process whose state directory lies under `root`: the last resort of
 * test clean-up, for clusters whose record is gone. Returns the pids it killed.
 */
export async function killNodesUnder(root: string): Promise<number[]> {
  const under = (args: string[]): boolean => {
    const at = args.indexOf('--state-dir');
    return at >= 0 && args[at + 1]?.startsWith(`${root}/`) === true;
  };
  const pids = await processesWhere(under);
  for (const pid of pids) signal(pid, 'SIGKILL');
  for (let i = 0; i < 100 && (await processesWhere(under)).length > 0; i++) await sleep(20);
  return pids;
}

/**
 * Stops a node: SIGTERM to machined (it stops its services), then after `timeoutMs` SIGKILL to
 * whatever of the node still runs. Resolves once no process of the node is left.
 */
export async function stopNode(
  pid: number | undefined,
  options: { stateDir: string; program: string; timeoutMs: number; signal?: AbortSignal },
): Promise<'terminated' | 'killed' | 'gone'> {
  const ours = pid !== undefined && (await isOurMachined(pid, options.stateDir, options.program));
  if (ours) signal(pid, 'SIGTERM');
  const deadline = Date.now() + options.timeoutMs;
  let left = await nodeProcesses(options.stateDir);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50, undefined, options.signal ? { signal: options.signal } : {});
    left = await nodeProcesses(options.stateDir);
  }
  if (left.length === 0) return ours ? 'terminated' : 'gone';
  for (let round = 0; left.length > 0 && round < 100; round++) {
    for (const p of left) signal(p, 'SIGKILL');
    await sleep(20);
    left = await nodeProcesses(options.stateDir);
  }
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}
