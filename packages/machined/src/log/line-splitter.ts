// Turns a byte stream (a process's stdout or stderr) into lines: partial lines wait for their end,
// UTF-8 sequences split across chunks are decoded whole, `\r\n` counts as one line end, and a line
// longer than `maxLength` is emitted in pieces so a program that never prints a newline cannot grow
// memory without bound.
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #emit: (line: string) => void;
  readonly #maxLength: number;
  #partial = '';

  constructor(emit: (line: string) => void, options: { maxLength?: number } = {}) {
    this.#emit = emit;
    this.#maxLength = options.maxLength ?? 16 << 10;
  }

  push(chunk: Buffer | string): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const l of lines) this.#emit(l.endsWith('\r') ? l.slice(0, -1) : l);
    while (this.#partial.length >= this.#maxLength) {
      this.#emit(this.#partial.slice(0, this.#maxLength));
      this.#partial = this.#partial.slice(this.#maxLength);
    }
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.#emit(rest);
  }
}
