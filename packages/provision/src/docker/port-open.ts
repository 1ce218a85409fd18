// Whether a TCP port accepts connections, with a hard timeout: the socket is destroyed when the
// time is up, so no connect attempt outlives the check (grpc-js leaves a connect to a vanished
// container address pending for the kernel's ~2 minute SYN timeout, holding the process open).
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export function portOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(open);
    };
    const timer = setTimeout(() => {
      done(false);
    }, timeoutMs);
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/** Polls until the port accepts, `fatal` says why not, or the deadline passes. */
export async function waitForPort(
  host: string,
  port: number,
  options: {
    deadline: number;
    fatal: () => Promise<string | undefined>;
    onWaiting: (reason: string, ms: number) => void;
    signal?: AbortSignal;
  },
): Promise<string | undefined> {
  const started = Date.now();
  for (;;) {
    options.signal?.throwIfAborted();
    const fatal = await options.fatal();
    if (fatal !== undefined) return fatal;
    const left = options.deadline - Date.now();
    if (left <= 0) return `nothing accepts connections on ${host}:${port} in time`;
    if (await portOpen(host, port, Math.min(left, 1000))) return undefined;
    options.onWaiting(`port ${port} does not accept connections yet`, Date.now() - started);
    await sleep(250, undefined, options.signal ? { signal: options.signal } : {});
  }
}
