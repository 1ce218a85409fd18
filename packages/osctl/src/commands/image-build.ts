import { resolve } from 'node:path';
import { Command } from 'commander';
import { buildImage, formatSizeReport } from '@bronze/imager';
import type { Io } from '../io.ts';
import { interruptSignal } from './node-command.ts';

export function imageBuildCommand(io: Io): Command {
  return new Command('build')
    .summary('build the node image')
    .description(
      'Assemble the root file system from the pinned components (packages/imager/components.json), ' +
        'the kubelet and flannel CNI plugin from the component cache (osctl image components build), and ' +
        'the component container images (osctl image components images) in /usr/share/bronze/images, and ' +
        'write into DIR:\n' +
        '  rootfs.squashfs         the image (reproducible: same inputs, same bytes)\n' +
        '  rootfs.squashfs.sha256  its SHA-256 (sha256sum format)\n' +
        '  oci/                    an OCI image layout (one layer, entrypoint /sbin/init)\n' +
        '  size-report.json        the largest components and files\n' +
        '  manifest.json           every input with its digest\n\n' +
        'Builds are cached under .cache/imager by the digest of their inputs; a second build with the same ' +
        'inputs copies the cached image. DIR holding a different image is replaced only with --force, ' +
        'which also rebuilds instead of using the cache. Needs squashfs-tools (scripts/setup-host).',
    )
    .option('-o, --out <dir>', 'output directory', '_out/image')
    .option('-f, --force', 'rebuild without the cache and replace the image in DIR')
    .action(async (opts: { out: string; force?: boolean }) => {
      const { signal, release } = interruptSignal(io);
      const started = Date.now();
      try {
        const r = await buildImage({
          outDir: resolve(io.cwd, opts.out),
          force: opts.force === true,
          signal,
          onProgress: (line) => {
            io.err(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
          },
        });
        io.out(`${formatSizeReport(r.sizeReport)}\n`);
        if (r.manifest.bundle.status === 'skipped') io.err(`warning: ${r.manifest.bundle.reason}\n`);
        io.out(`${r.cached ? 'cached' : 'built'} ${r.squashfs}\nsha256 ${r.sha256}\noci    ${r.oci}\n`);
      } finally {
        release();
      }
    });
}
