// Byte chunks from several nodes turned into whole lines, each prefixed with its node, as talosctl
// prints logs and the kernel log; a line (or a UTF-8 character) cut between chunks is held until
// its end arrives.
import { StringDecoder } from 'node:string_decoder';

export class LinePrefixer {
  readonly #partial = new Map<string, { text: string; decoder: StringDecoder }>();
  readonly #write: (text: string) => void;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  push(node: string, chunk: Uint8Array): void {
    let state = this.#partial.get(node);
    if (state === undefined) {
      state = { text: '', decoder: new StringDecoder('utf8') };
      this.#partial.set(node, state);
    }
    const lines = (state.text + state.decoder.write(Buffer.from(chunk))).split('\n');
    state.text = lines.pop() ?? '';
    for (const line of lines) this.#write(`${node}: ${line}\n`);
  }

  /** Writes what is left of each node's last line. */
  flush(): void {
    for (const [node, state] of this.#partial) {
      const rest = state.text + state.decoder.end();
      if (rest !== '') this.#write(`${node}: ${rest}\n`);
    }
    this.#partial.clear();
  }
}
