// Tables as talosctl prints them: a header row in capitals, columns left-aligned and separated by
// at least three spaces, the last column never padded.

/** Formats `rows` under `header`; every row should have the header's length. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3)))
      .join('')
      .trimEnd();
  return all.map(line).join('\n') + '\n';
}
