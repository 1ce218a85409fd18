// apid's listener on ADDRESS:PORT. Certificates are swapped into the running server (`update`: new
// handshakes use them, open streams continue); a change of mode replaces the server, because whether
// a client certificate is required is fixed per listener. The port stays the same across modes.
import { createApiServer, listenApiServer, MutualTlsServerCredentials, stopApiServer } from '@bronze/machinery';
import type { Logger } from '@bronze/runtime';
import type { Server } from '@grpc/grpc-js';
import type { ApiTls } from './api-tls.ts';
import { addProxyServices } from './proxy-service.ts';
import type { Upstreams } from './upstreams.ts';

export type ServingMode = 'maintenance' | 'normal';

interface Current {
  server: Server;
  credentials: MutualTlsServerCredentials;
  mode: ServingMode;
}

export class ApidListener {
  readonly #address: string;
  readonly #upstreams: Upstreams;
  readonly #logger: Logger;
  #port: number;
  #current: Current | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(options: { address: string; port: number; upstreams: Upstreams; logger: Logger }) {
    this.#address = options.address;
    this.#port = options.port;
    this.#upstreams = options.upstreams;
    this.#logger = options.logger;
  }

  get mode(): ServingMode | undefined {
    return this.#current?.mode;
  }

  /** Serves in `mode` with `tls`: swaps the certificates in place, or (re)starts the server. */
  async serve(mode: ServingMode, tls: ApiTls): Promise<void> {
    this.#upstreams.setClientTls(mode === 'maintenance' ? undefined : tls.client);
    if (this.#current?.mode === mode) {
      this.#current.credentials.update(tls.server);
      this.#logger.info('api certificates updated', { mode });
      return;
    }
    if (this.#current !== undefined) await stopApiServer(this.#current.server, { graceMs: 2000 });
    this.#current = undefined;
    const credentials = new MutualTlsServerCredentials(tls.server, { requireClientCertificate: mode === 'normal' });
    // Pings find clients that vanished without closing (a dead peer, a partition), so their streams
    // end and the upstream calls behind them are cancelled.
    const server = createApiServer({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 });
    const upstreams = this.#upstreams;
    addProxyServices(server, {
      plan: () => ({ maintenance: mode === 'maintenance', canForward: upstreams.canForward, self: this.#address }),
      local: () => upstreams.local,
      remote: (node) => upstreams.remote(node),
      logger: this.#logger,
    });
    const host = this.#address.includes(':') ? `[${this.#address}]` : this.#address;
    this.#port = await listenApiServer(server, { address: `${host}:${String(this.#port)}`, credentials });
    this.#current = { server, credentials, mode };
    this.#logger.info('apid serving', { address: this.#address, port: this.#port, mode });
    for (const wake of this.#waiters) wake();
  }

  /** Resolves with the port once serving in `mode` (any mode when undefined). */
  serving(mode: ServingMode | undefined, signal: AbortSignal | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.#current === undefined || (mode !== undefined && this.#current.mode !== mode)) return;
        this.#waiters.delete(check);
        resolve(this.#port);
      };
      signal?.addEventListener('abort', () => {
        this.#waiters.delete(check);
        reject(signal.reason as Error);
      });
      this.#waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (this.#current !== undefined) await stopApiServer(this.#current.server, { graceMs: 1000 });
    this.#current = undefined;
  }
}
