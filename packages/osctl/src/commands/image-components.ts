import { resolve } from 'node:path';
import { Command } from 'commander';
import { buildComponent, defaultComponentCache, kubernetesVersion, upstreamComponents } from '@bronze/imager';
import type { UpstreamComponent } from '@bronze/imager';
import { UsageError } from '../io.ts';
import type { Io } from '../io.ts';
import { imageComponentsImagesCommand } from './image-components-images.ts';
import { interruptSignal } from './node-command.ts';

function sourceOf(c: UpstreamComponent): string {
  const s = c.source;
  if (s.kind === 'go-module') return `go ${s.package}`;
  if (s.kind === 'c-in-module') return `gcc ${s.module}/${s.files.join(',')}`;
  return `debian ${s.package}`;
}

function pick(names: readonly string[]): UpstreamComponent[] {
  if (names.length === 0) return upstreamComponents.filter((c) => c.source.kind !== 'debian');
  return names.map((n) => {
    const c = upstreamComponents.find((x) => x.name === n);
    if (c === undefined)
      throw new UsageError(`unknown component ${n}; known: ${upstreamComponents.map((x) => x.name).join(', ')}`);
    return c;
  });
}

function listCommand(io: Io): Command {
  return new Command('list')
    .summary('show the pinned upstream components')
    .description(
      `The upstream programs a node runs, pinned in packages/imager/src/components/upstream-list.ts (Kubernetes ${kubernetesVersion}), with where each comes from and the checksum its first build recorded.`,
    )
    .action(() => {
      for (const c of upstreamComponents) {
        const sum = c.built === undefined ? '-' : `${c.built.sha256.slice(0, 12)} (${c.built.toolchain})`;
        io.out(`${c.name.padEnd(24)} ${c.version.padEnd(22)} ${sourceOf(c).padEnd(56)} ${sum}\n`);
      }
    });
}

function buildCommand(io: Io): Command {
  return new Command('build')
    .summary('build upstream components from their Go modules')
    .description(
      "Build the named components (default: every one not taken from a Debian package) with the host's go and gcc, " +
        'under nice 19 with one compile job. Builds are cached in .cache/components/NAME-VERSION, keyed by version, ' +
        'toolchain and flags: a second run prints the cached binary at once. Kubernetes programs take minutes each on two cores; ' +
        'progress is printed every 30 s. Interrupting leaves no partial binary in the cache.\n\n' +
        'On a machine that can reach the release servers, --from release takes the official release binary of a ' +
        'component whose list entry names one (release: { url, sha256 }) instead of building it; the download is ' +
        'refused unless its SHA-256 is the pinned one. Components without a release entry are built. ' +
        '$BRONZE_COMPONENTS_FROM=release does the same for every build (image builds and tests too).',
    )
    .argument('[names...]', 'components to build (see osctl image components list)')
    .option('--cache <dir>', 'cache directory', defaultComponentCache)
    .option('-f, --force', 'rebuild even when a cached build exists')
    .option('--from <source>', 'source (build from the Go module) or release (download the pinned release binary)')
    .action(async (names: string[], opts: { cache: string; force?: boolean; from?: string }) => {
      if (opts.from !== undefined && opts.from !== 'source' && opts.from !== 'release') {
        throw new UsageError(`--from ${opts.from}: give source or release`);
      }
      const from = opts.from;
      const chosen = pick(names);
      const { signal, release } = interruptSignal(io);
      try {
        for (const c of chosen) {
          const r = await buildComponent(c, {
            cacheRoot: resolve(io.cwd, opts.cache),
            force: opts.force === true,
            ...(from === undefined ? {} : { from }),
            signal,
            onProgress: (line) => {
              io.err(`${line}\n`);
            },
          });
          const how = r.cached ? 'cached' : `built in ${r.buildSeconds.toFixed(0)} s`;
          io.out(
            `${r.name} ${r.version} ${how} ${String(r.size)} bytes sha256 ${r.sha256} checksum ${r.checksum}\n  ${r.path}\n`,
          );
          if (r.checksum === 'mismatch')
            io.err(`warning: ${r.name} does not match the checksum recorded in the list\n`);
        }
      } finally {
        release();
      }
    });
}

export function imageComponentsCommand(io: Io): Command {
  return new Command('components')
    .summary('list and build the upstream Kubernetes components')
    .description(
      'kubelet, the control plane, CoreDNS, flannel, etcd and the pause program are built here from their Go modules ' +
        '(no registry or release download is reachable); containerd, runc and the CNI plugins come from Debian. ' +
        '`images` turns the binaries into the container images the cluster runs.',
    )
    .addCommand(listCommand(io))
    .addCommand(buildCommand(io))
    .addCommand(imageComponentsImagesCommand(io));
}
