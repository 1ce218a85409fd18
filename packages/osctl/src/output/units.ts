// Numbers for people: byte sizes in SI units (as Go's humanize.Bytes prints them) and durations in
// Go's style (1h2m3s), rounded to the second.

const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

export function humanBytes(value: bigint | number): string {
  const n = Number(value);
  if (n < 10) return `${String(n)} B`;
  const exp = Math.min(Math.floor(Math.log(n) / Math.log(1000)), units.length - 1);
  const scaled = n / 1000 ** exp;
  const text = scaled < 10 ? scaled.toFixed(1) : Math.floor(scaled + 0.5).toFixed(0);
  return `${text} ${units[exp] ?? ''}`;
}

/** A duration in milliseconds as Go prints a duration rounded to seconds: `0s`, `45s`, `7m51s`, `2h0m5s`. */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${String(h)}h${String(m)}m${String(s)}s`;
  if (m > 0) return `${String(m)}m${String(s)}s`;
  return `${String(s)}s`;
}

/** Parses a Go-style duration (`30s`, `5m`, `1h30m`, `24h`); undefined when malformed. */
export { parseGoDuration } from '@bronze/machinery';
