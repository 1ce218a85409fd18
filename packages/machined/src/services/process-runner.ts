// Runs a real program as a service: its own process group (so a stop reaches every process it
// started), stdout and stderr as lines into the service's log, SIGTERM on stop and SIGKILL to the
// group after the kill timeout, and SIGKILL to whatever is left of the group once the program exits,
// so nothing outlives it as an orphan. Node reaps the child, so no zombie remains.
import { spawn, type ChildProcess } from 'node:child_process';
import { LineSplitter } from '../log/line-splitter.ts';
import type { RunContext, RunResult, Runner } from './runner.ts';

export interface ProcessRunnerOptions {
  command: string;
  args?: readonly string[];
  /** The whole environment of the program (nothing is inherited unless passed). */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** How long a stop waits after SIGTERM before SIGKILL; 10 s unless told. */
  killTimeoutMs?: number;
  /** How long to wait for output pipes to close after the program exits; 1 s unless told. */
  drainTimeoutMs?: number;
}

export function processRunner(options: ProcessRunnerOptions): Runner {
  return {
    description: `process ${options.command}`,
    unsupported: () => unsupported(options),
    run: (ctx) => runProcess(options, ctx),
  };
}

function unsupported(options: ProcessRunnerOptions): string | undefined {
  if (options.uid === undefined && options.gid === undefined) return undefined;
  if (process.getuid === undefined)
    return `running ${options.command} as uid ${String(options.uid)} needs a POSIX platform`;
  if (process.getuid() !== 0) {
    return `running ${options.command} as uid ${String(options.uid)} gid ${String(options.gid)} needs root; machined runs as uid ${process.getuid()}`;
  }
  return undefined;
}

function runProcess(options: ProcessRunnerOptions, ctx: RunContext): Promise<RunResult> {
  const { command, killTimeoutMs = 10_000, drainTimeoutMs = 1000 } = options;
  return new Promise<RunResult>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, options.args ?? [], {
        cwd: options.cwd,
        env: options.env ?? {},
        ...(options.uid === undefined ? {} : { uid: options.uid }),
        ...(options.gid === undefined ? {} : { gid: options.gid }),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve({
        ok: false,
        message: `failed to start ${command}: ${err instanceof Error ? err.message : String(err)}`,
      });
      return;
    }
    const out = new LineSplitter((l) => {
      ctx.output.append(l);
    });
    const errOut = new LineSplitter((l) => {
      ctx.output.append(l);
    });
    child.stdout?.on('data', (d: Buffer) => {
      out.push(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      errOut.push(d);
    });
    let killTimer: NodeJS.Timeout | undefined;
    let spawned = false;
    let stopping = false;
    const onAbort = (): void => {
      stopping = true;
      signalGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => {
        signalGroup(child, 'SIGKILL');
      }, killTimeoutMs);
    };
    child.once('spawn', () => {
      spawned = true;
      ctx.started(
        `started ${command} with pid ${String(child.pid)}`,
        child.pid === undefined ? {} : { processGroup: child.pid },
      );
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    child.once('error', (err) => {
      if (spawned) return;
      resolve({ ok: false, message: `failed to start ${command}: ${err.message}` });
    });
    child.once('exit', (code, sig) => {
      clearTimeout(killTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      signalGroup(child, 'SIGKILL');
      void drain(child, drainTimeoutMs).then(() => {
        out.end();
        errOut.end();
        resolve(exitResult(command, { code, sig, stopping }));
      });
    });
  });
}

function exitResult(
  command: string,
  exit: { code: number | null; sig: NodeJS.Signals | null; stopping: boolean },
): RunResult {
  const { code, sig, stopping } = exit;
  if (sig !== null) {
    const message = stopping ? `${command} stopped by ${sig}` : `${command} was killed by ${sig}`;
    return { ok: stopping, message, exitSignal: sig };
  }
  const exitCode = code ?? 0;
  return { ok: exitCode === 0 || stopping, message: `${command} exited with code ${exitCode}`, exitCode };
}

/** Signals the child's whole process group; a group already gone is fine. */
function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // ESRCH: the group is empty already.
  }
}

/** Waits for the output pipes to close (a process that escaped the group may hold them open). */
function drain(child: ChildProcess, timeoutMs: number): Promise<void> {
  const streams = [child.stdout, child.stderr].filter((s) => s !== null && !s.closed);
  if (streams.length === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let open = streams.length;
    const timer = setTimeout(() => {
      for (const s of streams) s?.destroy();
      resolve();
    }, timeoutMs);
    for (const s of streams) {
      s?.once('close', () => {
        if (--open === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}
