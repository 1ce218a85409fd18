import { readFileSync } from 'node:fs';
// Helpers for the supervisor's integration tests: real Node programs as services.
import { processRunner, type ProcessRunnerOptions } from '../src/services/process-runner.ts';
import type { Runner } from '../src/services/runner.ts';

/** A service that runs `code` in a fresh Node process. */
export function nodeProgram(code: string, options: Partial<ProcessRunnerOptions> = {}): Runner {
  return processRunner({ command: process.execPath, args: ['-e', code], killTimeoutMs: 2000, ...options });
}

/** A program that prints `ready` and then sleeps until signalled. */
export const sleeper = `console.log('ready'); setInterval(() => {}, 1e9);`;

/**
 * Whether a process with this pid runs. A zombie counts as gone: an orphan's zombie waits for the
 * host's init to reap it, which is outside the supervisor's reach.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Polls `fn` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resource kinds that a stopped supervisor must not leave behind. */
export function activeHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (['Timeout', 'ChildProcess', 'PipeWrap', 'TCPWRAP', 'TCPSocketWrap', 'ProcessWrap'].includes(kind))
      counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

export function pidFrom(message: string): number {
  const m = /with pid (\d+)/.exec(message);
  if (m?.[1] === undefined) throw new Error(`no pid in "${message}"`);
  return Number(m[1]);
}
