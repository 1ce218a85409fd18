// The channels apid forwards on: one to the local machined over its unix socket, and one per other
// node's apid (NODE:50000, mutual TLS with apid's os:impersonator client certificate). When the
// certificates change, new calls get fresh channels; the old ones stay open for the calls still
// running on them and are closed later (or when apid stops).
import { ChannelCredentials, type Client } from '@grpc/grpc-js';
import { ApiError, dial, mutualTlsChannelCredentials, type TlsMaterial } from '@bronze/machinery';

/** Retired channels are closed this long after a certificate change (Talos keeps streams 30 min). */
const RetireMs = 30 * 60_000;

export class Upstreams {
  readonly local: Client;
  readonly #peerPort: number;
  #client: TlsMaterial | undefined;
  readonly #remote = new Map<string, Client>();
  readonly #retired = new Set<Client>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(socketPath: string, options: { peerPort: number }) {
    this.local = dial(`unix:${socketPath}`, { credentials: ChannelCredentials.createInsecure() });
    this.#peerPort = options.peerPort;
  }

  /** Whether this node may forward (it holds a client certificate). */
  get canForward(): boolean {
    return this.#client !== undefined;
  }

  /** New client material: cached remote channels are retired. */
  setClientTls(client: TlsMaterial | undefined): void {
    this.#client = client;
    const old = [...this.#remote.values()];
    this.#remote.clear();
    if (old.length === 0) return;
    for (const c of old) this.#retired.add(c);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      for (const c of old) {
        this.#retired.delete(c);
        c.close();
      }
    }, RetireMs);
    timer.unref();
    this.#timers.add(timer);
  }

  /** The channel to `node`'s apid; `node` is a host (port 50000 added) or `host:port`. */
  remote(node: string): Client {
    const client = this.#client;
    if (client === undefined) throw new ApiError('permission-denied', 'no request forwarding');
    const target = targetOf(node, this.#peerPort);
    let channel = this.#remote.get(target);
    if (channel === undefined) {
      if (!/^[\w.\-[\]:%]+$/.test(target)) {
        throw new ApiError('invalid-argument', `node "${node}" is not a host or host:port`);
      }
      channel = dial(target, {
        credentials: mutualTlsChannelCredentials(client),
        channelOptions: {
          'grpc.initial_reconnect_backoff_ms': 200,
          'grpc.max_reconnect_backoff_ms': 15_000,
          'grpc.client_idle_timeout_ms': 15 * 60_000,
        },
      });
      this.#remote.set(target, channel);
    }
    return channel;
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of [...this.#remote.values(), ...this.#retired]) c.close();
    this.#remote.clear();
    this.#retired.clear();
    this.local.close();
  }
}

/** `host:port` for a node value: `10.0.0.2` → `10.0.0.2:50000`, `fd00::2` → `[fd00::2]:50000`. */
export function targetOf(node: string, port: number): string {
  if (node.startsWith('[')) return node.includes(']:') ? node : `${node}:${port}`;
  const colons = node.split(':').length - 1;
  if (colons === 0) return `${node}:${port}`;
  if (colons === 1) return node;
  return `[${node}]:${port}`;
}
