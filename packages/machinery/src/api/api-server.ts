// A grpc-js server with the API's limits, bound to an address, and stopped gracefully.
import { Server, type ServerCredentials, type ServerOptions } from '@grpc/grpc-js';
import { MaxMessageBytes } from './service-definition.ts';

/** A server that accepts and sends messages up to MaxMessageBytes (32 MiB). */
export function createApiServer(options: ServerOptions = {}): Server {
  return new Server({
    'grpc.max_receive_message_length': MaxMessageBytes,
    'grpc.max_send_message_length': MaxMessageBytes,
    ...options,
  });
}

/** Binds `address` (`127.0.0.1:0`, `[::]:50000`, `unix:/run/machined.sock`); resolves to the port. */
export function listenApiServer(
  server: Server,
  options: { address: string; credentials: ServerCredentials },
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(options.address, options.credentials, (err, port) => {
      if (err === null) resolve(port);
      else reject(new Error(`cannot listen on ${options.address}`, { cause: err }));
    });
  });
}

/**
 * Stops accepting calls and waits for running ones to finish; after `graceMs` (or when `signal`
 * aborts) the remaining calls are cancelled and their connections closed.
 */
export async function stopApiServer(
  server: Server,
  options: { graceMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const graceful = new Promise<void>((resolve) => {
    server.tryShutdown(() => {
      resolve();
    });
  });
  let release = (): void => undefined;
  const forced = new Promise<void>((resolve) => {
    const force = (): void => {
      server.forceShutdown();
      resolve();
    };
    const timer = setTimeout(force, options.graceMs ?? 5000);
    options.signal?.addEventListener('abort', force, { once: true });
    release = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', force);
    };
  });
  try {
    await Promise.race([graceful, forced]);
  } finally {
    release();
  }
}
