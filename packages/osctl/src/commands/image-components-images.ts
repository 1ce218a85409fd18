import { resolve } from 'node:path';
import { Command } from 'commander';
import { buildComponentImages, componentImageSpecs, defaultComponentCache, defaultImageCache } from '@bronze/imager';
import type { ComponentImage } from '@bronze/imager';
import { UsageError } from '../io.ts';
import type { Io } from '../io.ts';
import { interruptSignal } from './node-command.ts';

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function table(images: readonly ComponentImage[]): string {
  const rows = [
    ['IMAGE', 'SIZE', 'DIGEST', 'ARCHIVE'],
    ...images.map((i) => [i.ref, mib(i.bytes), i.manifestDigest, i.archivePath]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((v, c) => v.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface Opts {
  imageCache: string;
  componentCache: string;
  force?: boolean;
  json?: boolean;
}

export function imageComponentsImagesCommand(io: Io): Command {
  return new Command('images')
    .summary('build and list the component container images')
    .description(
      'The container images the cluster runs (kube-apiserver, kube-controller-manager, kube-scheduler, ' +
        'kube-proxy, pause, CoreDNS, flannel, agnhost), each an OCI archive of scratch plus the static binary ' +
        'from the component cache, named by its upstream reference (registry.k8s.io/...), so ' +
        '`ctr -n k8s.io images import` takes it under that exact name. Archives are cached in ' +
        '.cache/component-images by the digest of their inputs (same inputs, same bytes) and ship in the node ' +
        'image at /usr/share/bronze/images. Missing binaries are not built here: run osctl image components build.\n\n' +
        'Prints each image with its archive size, manifest digest and archive path.',
    )
    .argument('[names...]', `images to show (default all: ${componentImageSpecs.map((s) => s.name).join(', ')})`)
    .option('--image-cache <dir>', 'archive cache directory', defaultImageCache)
    .option('--component-cache <dir>', 'component binary cache directory', defaultComponentCache)
    .option('-f, --force', 'rewrite the archives even when cached')
    .option('--json', 'print JSON instead of a table')
    .action(async (names: string[], opts: Opts) => {
      for (const n of names)
        if (!componentImageSpecs.some((s) => s.name === n || s.ref === n))
          throw new UsageError(
            `unknown component image ${n}; known: ${componentImageSpecs.map((s) => s.name).join(', ')}`,
          );
      const { signal, release } = interruptSignal(io);
      try {
        const images = await buildComponentImages({
          names,
          imageCache: resolve(io.cwd, opts.imageCache),
          componentCache: resolve(io.cwd, opts.componentCache),
          cachedBinariesOnly: true,
          force: opts.force === true,
          signal,
          onProgress: (line) => {
            io.err(`${line}\n`);
          },
        });
        if (opts.json === true) io.out(`${JSON.stringify(images, null, 2)}\n`);
        else io.out(`${table(images)}\n`);
      } finally {
        release();
      }
    });
}
