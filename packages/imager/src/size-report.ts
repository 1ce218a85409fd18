import type { RootfsPart, StripResult } from './rootfs.ts';

export interface ComponentSize {
  component: string;
  files: number;
  bytes: number;
  /** Share of the uncompressed root file system, 0..1. */
  share: number;
}

/** What the image is made of: written as size-report.json and printed at the end of a build. */
export interface SizeReport {
  rootfsBytes: number;
  squashfsBytes: number;
  ociLayerBytes: number;
  components: ComponentSize[];
  largestFiles: { path: string; component: string; bytes: number }[];
  stripped: StripResult[];
}

/** Sums the parts per component, biggest first, and keeps the ten largest files. */
export function sizeReport(
  parts: readonly RootfsPart[],
  options: { squashfsBytes: number; ociLayerBytes: number; stripped: readonly StripResult[] },
): SizeReport {
  const total = parts.reduce((s, p) => s + p.bytes, 0);
  const byComponent = new Map<string, { files: number; bytes: number }>();
  for (const p of parts) {
    const c = byComponent.get(p.component) ?? { files: 0, bytes: 0 };
    c.files++;
    c.bytes += p.bytes;
    byComponent.set(p.component, c);
  }
  const components = [...byComponent.entries()]
    .map(([component, c]) => ({ component, ...c, share: total === 0 ? 0 : c.bytes / total }))
    .sort((a, b) => b.bytes - a.bytes || a.component.localeCompare(b.component));
  const largestFiles = [...parts]
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, 10)
    .map((p) => ({ path: p.path, component: p.component, bytes: p.bytes }));
  return {
    rootfsBytes: total,
    squashfsBytes: options.squashfsBytes,
    ociLayerBytes: options.ociLayerBytes,
    components,
    largestFiles,
    stripped: [...options.stripped],
  };
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The report as text tables: components by size, then the largest files. */
export function formatSizeReport(r: SizeReport): string {
  const comps = table([
    ['COMPONENT', 'FILES', 'SIZE', 'SHARE'],
    ...r.components.map((c) => [c.component, String(c.files), mib(c.bytes), `${(c.share * 100).toFixed(1)}%`]),
  ]);
  const files = table([
    ['LARGEST FILE', 'COMPONENT', 'SIZE'],
    ...r.largestFiles.map((f) => [f.path, f.component, mib(f.bytes)]),
  ]);
  const strip = r.stripped.map((s) => `stripped ${s.path}: ${mib(s.before)} -> ${mib(s.after)}`).join('\n');
  const totals =
    `root file system ${mib(r.rootfsBytes)}, squashfs ${mib(r.squashfsBytes)}, ` +
    `oci layer ${mib(r.ociLayerBytes)} (gzip)`;
  return `${comps}\n\n${files}\n\n${strip === '' ? '' : `${strip}\n`}${totals}\n`;
}
