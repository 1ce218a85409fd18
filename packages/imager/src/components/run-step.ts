import { spawn } from 'node:child_process';
import { ImageError } from '../image-error.ts';

export interface StepOptions {
  cwd?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Called every `tickMs` while the step runs, with the seconds elapsed (Go is silent for minutes). */
  onTick?: (seconds: number) => void;
  tickMs?: number;
  /** Run under `nice -n 19` so builds yield to everything else on the machine. */
  nice?: boolean;
  /** Names the step in a failure (default: the command and its first argument). */
  label?: string;
}

export interface StepResult {
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * Runs one build step in its own process group; on abort the whole group (go and its compilers) is
 * killed. A non-zero exit throws an ImageError carrying the tail of stderr.
 */
export function runStep(command: string, args: readonly string[], opts: StepOptions = {}): Promise<StepResult> {
  const argv = opts.nice === true ? ['nice', ['-n', '19', command, ...args]] : [command, [...args]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    opts.signal?.throwIfAborted();
    const child = spawn(argv[0] as string, argv[1] as string[], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-20000)));
    const killGroup = (): void => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    opts.signal?.addEventListener('abort', killGroup, { once: true });
    // The group is detached: if this process exits first, take the build down with it.
    process.once('exit', killGroup);
    const tick = setInterval(
      () => opts.onTick?.(Math.round((performance.now() - started) / 1000)),
      opts.tickMs ?? 30_000,
    );
    const done = (): void => {
      clearInterval(tick);
      opts.signal?.removeEventListener('abort', killGroup);
      process.off('exit', killGroup);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      done();
      const msg = err.code === 'ENOENT' ? `${command} is not installed (is it on PATH?)` : `cannot run ${command}`;
      reject(new ImageError('missing-tool', msg, { cause: err }));
    });
    child.on('close', (code, sig) => {
      done();
      const seconds = (performance.now() - started) / 1000;
      if (opts.signal?.aborted === true) reject(opts.signal.reason as Error);
      else if (code === 0) resolve({ stdout, stderr, seconds });
      else {
        const how = sig === null ? `exit ${String(code)}` : `signal ${sig}`;
        const tail = stderr.trim().split('\n').slice(-15).join('\n');
        const label = opts.label ?? `${command} ${args[0] ?? ''}`;
        reject(new ImageError('tool-failed', `${label} failed (${how}):\n${tail}`));
      }
    });
  });
}
