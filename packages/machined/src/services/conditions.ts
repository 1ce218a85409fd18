// Conditions a service waits for before it starts, besides its dependencies: async predicates
// with a description that goes into the service's Waiting message.
import { access } from 'node:fs/promises';
import { connect } from 'node:net';

export interface Condition {
  /** Completes "waiting for ...": `file /var/run/x exists`. */
  readonly description: string;
  check(signal: AbortSignal): Promise<boolean>;
}

export function fileExists(path: string): Condition {
  return {
    description: `file ${path} to exist`,
    check: async () => {
      try {
        await access(path);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** A TCP port that accepts a connection within `timeoutMs` (500 ms unless told). */
export function portAnswers(options: { host: string; port: number; timeoutMs?: number }): Condition {
  const { host, port, timeoutMs = 500 } = options;
  return {
    description: `${host}:${port} to answer`,
    check: (signal) => tcpAnswers({ host, port, timeoutMs, signal }),
  };
}

/** Whether a TCP connection to host:port opens; used by conditions and health checks. */
export function tcpAnswers(options: {
  host: string;
  port: number;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<boolean> {
  return answers({ host: options.host, port: options.port }, options);
}

/** Whether a connection to the unix socket at `path` opens (containerd's API, for instance). */
export function unixAnswers(options: { path: string; timeoutMs: number; signal: AbortSignal }): Promise<boolean> {
  return answers({ path: options.path }, options);
}

function answers(
  target: { host: string; port: number } | { path: string },
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<boolean> {
  const { timeoutMs, signal } = options;
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const socket = connect(target);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(ok);
    };
    const onAbort = (): void => {
      done(false);
    };
    const timer = setTimeout(onAbort, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

export function condition(description: string, check: (signal: AbortSignal) => Promise<boolean>): Condition {
  return { description, check };
}
