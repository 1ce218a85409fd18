// What a service runs: a process, or a task inside machined. A runner starts its work, reports when
// it is up (`started`), writes output lines to `output`, and stops when `signal` aborts; it resolves
// with how the work ended and never rejects.
import type { LogSink } from '../log/logger.ts';

export interface RunContext {
  /** Aborts to stop the work (gracefully, then by force after the runner's kill timeout). */
  signal: AbortSignal;
  /** Output lines (stdout and stderr of a process). */
  output: LogSink & { append(line: string): void };
  /**
   * Called once the work is up, with a message for the service's events and, for a process, the
   * id of its process group (so that `Supervisor.killAllSync` can reach it when machined exits).
   */
  started(message: string, info?: { processGroup?: number }): void;
}

export interface RunResult {
  /** Exit code 0, or a task that returned. A run stopped through `signal` counts as ok. */
  ok: boolean;
  message: string;
  exitCode?: number;
  exitSignal?: string;
}

export interface Runner {
  /** For messages: `process /usr/bin/etcd`, `task machined`. */
  readonly description: string;
  /** Why this runner cannot work on this platform (e.g. it needs root), or undefined. */
  unsupported?(): string | undefined;
  run(ctx: RunContext): Promise<RunResult>;
}
