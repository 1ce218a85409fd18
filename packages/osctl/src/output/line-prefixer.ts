// Byte chunks from several nodes turned into whole lines, each prefixed with its node, as talosctl
// prints logs and the kernel log; a line cut between chunks is held until its end arrives.

export class LinePrefixer {
  readonly #partial = new Map<string, string>();
  readonly #write: (text: string) => void;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  push(node: string, chunk: Uint8Array | string): void {
    const text =
      (this.#partial.get(node) ?? '') + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const lines = text.split('\n');
    this.#partial.set(node, lines.pop() ?? '');
    for (const line of lines) this.#write(`${node}: ${line}\n`);
  }

  /** Writes what is left of each node's last line. */
  flush(): void {
    for (const [node, rest] of this.#partial) if (rest !== '') this.#write(`${node}: ${rest}\n`);
    this.#partial.clear();
  }
}
