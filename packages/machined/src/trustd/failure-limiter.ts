// Slows down guessing of the machine token: a peer host that fails too often within a window is
// refused until its oldest failure leaves the window. Bounded memory: at most `maxHosts` hosts are
// tracked, the least recently failing one is forgotten first.
export interface FailureLimiterOptions {
  /** Failures allowed per host within the window (default 5). */
  maxFailures?: number;
  /** The window in milliseconds (default 60 s). */
  windowMs?: number;
  /** Hosts tracked at most (default 4096). */
  maxHosts?: number;
  now?: () => number;
}

export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxHosts: number;
  readonly #now: () => number;

  constructor(options: FailureLimiterOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxHosts = options.maxHosts ?? 4096;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until `host` may try again, or 0 when it may try now. */
  blockedFor(host: string): number {
    const recent = this.#recent(host);
    if (recent.length < this.#maxFailures) return 0;
    return Math.max(1, (recent[0] ?? 0) + this.#windowMs - this.#now());
  }

  recordFailure(host: string): void {
    const recent = this.#recent(host);
    recent.push(this.#now());
    this.#failures.delete(host);
    this.#failures.set(host, recent);
    if (this.#failures.size > this.#maxHosts) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  recordSuccess(host: string): void {
    this.#failures.delete(host);
  }

  #recent(host: string): number[] {
    const since = this.#now() - this.#windowMs;
    const recent = (this.#failures.get(host) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.#failures.delete(host);
    return recent;
  }
}

/** The host of a grpc-js peer string (`ipv4:1.2.3.4:5678`, `1.2.3.4:5678`, `[::1]:5678`). */
export function peerHost(peer: string): string {
  if (peer.startsWith('unix:')) return peer;
  const bare = peer.replace(/^ipv[46]:/, '');
  const v6 = /^\[([^\]]+)\]/.exec(bare);
  if (v6?.[1] !== undefined) return v6[1];
  const colon = bare.lastIndexOf(':');
  return colon > 0 && bare.indexOf(':') === colon ? bare.slice(0, colon) : bare;
}
