// Durations as talosctl's flags take them (Go's form): 90s, 2m, 1m30s, 1h, 500ms.
import { parseGoDuration } from '@bronze/machinery';

/** Milliseconds of `text` (whole), or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const ms = parseGoDuration(text.trim());
  return ms === undefined ? undefined : Math.round(ms);
}
