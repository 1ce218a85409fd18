// Go's duration syntax, as configs (`8760h0m0s`) and talosctl's flags (`90s`, `1m30s`) write it.
const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration (`30s`, `5m`, `1h30m`, `8760h0m0s`, `0`); undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (unitMs[m[2] ?? ''] ?? Number.NaN);
    matched = re.lastIndex;
  }
  return matched === text.length && text !== '' && Number.isFinite(total) ? total : undefined;
}
