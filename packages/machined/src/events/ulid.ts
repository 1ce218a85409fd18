// Event ids: ULIDs (26 characters of Crockford base32: 48 bits of milliseconds, 80 random bits),
// made monotonic so that ids sort as events were published, even within one millisecond or when
// the clock steps back.
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulidPattern = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const maxRandom = (1n << 80n) - 1n;

export function isUlid(value: string): boolean {
  return ulidPattern.test(value);
}

/** Milliseconds since the epoch encoded in a ULID. */
export function ulidTime(id: string): number {
  let ms = 0;
  for (const ch of id.slice(0, 10)) ms = ms * 32 + alphabet.indexOf(ch);
  return ms;
}

function encode(value: bigint, chars: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < chars; i++) {
    out = (alphabet[Number(v & 31n)] ?? '0') + out;
    v >>= 5n;
  }
  return out;
}

export class UlidFactory {
  readonly #now: () => number;
  #lastTime = -1;
  #lastRandom = 0n;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  next(): string {
    let time = this.#now();
    if (time <= this.#lastTime) {
      time = this.#lastTime;
      this.#lastRandom++;
      if (this.#lastRandom > maxRandom) {
        time++;
        this.#lastRandom = this.#fresh();
      }
    } else {
      this.#lastRandom = this.#fresh();
    }
    this.#lastTime = time;
    return encode(BigInt(time), 10) + encode(this.#lastRandom, 16);
  }

  /** Fresh random bits with the top one clear, so increments within a millisecond do not overflow. */
  #fresh(): bigint {
    return BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n;
  }
}
