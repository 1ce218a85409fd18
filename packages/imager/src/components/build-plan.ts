import { createHash } from 'node:crypto';
import type { CSourceInModule, GoModuleSource, UpstreamComponent } from './upstream-component.ts';

/** Bump when the way components are built changes, so every cached build is redone. */
export const builderRevision = 1;

/** How hard a build may push the machine: parallel compile jobs and Go's scheduler threads. */
export interface BuildLoad {
  /** `go build -p`: packages compiled at once. */
  jobs: number;
  /** GOMAXPROCS of the go command and the compilers. */
  procs: number;
}

export const gentleLoad: BuildLoad = { jobs: 1, procs: 2 };

/**
 * Module paths whose replace in the upstream go.mod points at a directory of the upstream tree
 * (`k8s.io/api => ./staging/src/k8s.io/api`) and that the module requires. A module fetched from the
 * proxy lacks those directories; replaces of modules it does not require (etcd's
 * `=> ./FORBIDDEN_DEPENDENCY` guards) are left out.
 */
export function localReplaces(goMod: string): string[] {
  const required = new Set<string>();
  const replaced: string[] = [];
  let block = '';
  for (const raw of goMod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === ')') {
      block = '';
      continue;
    }
    const open = /^(require|replace)\s*\($/.exec(line);
    if (open?.[1] !== undefined) {
      block = open[1];
      continue;
    }
    const single = /^(require|replace)\s+(.*)$/.exec(line);
    const kind = single?.[1] ?? block;
    const body = single?.[2] ?? line;
    if (kind === 'require') {
      const mod = body.split(/\s+/)[0];
      if (mod !== undefined && mod !== '') required.add(mod);
    } else if (kind === 'replace') {
      const m = /^(\S+)(?:\s+\S+)?\s*=>\s*(\.{1,2}\/\S*)$/.exec(body);
      if (m?.[1] !== undefined) replaced.push(m[1]);
    }
  }
  return replaced.filter((m) => required.has(m));
}

/** The go.mod of the throwaway module that drives a build of `src` at `version`. */
export function driverGoMod(src: GoModuleSource, version: string, upstreamGoMod: string): string {
  const goLine = /^go\s+(\S+)/m.exec(upstreamGoMod)?.[1] ?? '1.24';
  const lines = ['module bronze.local/component-build', '', `go ${goLine}`, '', `require ${src.module} ${version}`];
  const rv = src.localReplaceVersion;
  const reps = rv === undefined ? [] : localReplaces(upstreamGoMod).map((m) => `${m} => ${m} ${rv}`);
  reps.push(...(src.replaces ?? []));
  if (reps.length > 0) lines.push('', 'replace (', ...reps.map((r) => `\t${r}`), ')');
  return `${lines.join('\n')}\n`;
}

/** `go build` arguments, run inside the driver module, writing the binary to `out`. */
export function goBuildArgs(src: GoModuleSource, out: string, load: BuildLoad = gentleLoad): string[] {
  const ldflags = ['-s', '-w', ...(src.versionFlags ?? []).map((f) => `-X ${f.includes(' ') ? `'${f}'` : f}`)];
  // A cgo build links libc statically too, as upstream does, so the binary runs in a scratch image.
  if (src.cgo === true) ldflags.push('-extldflags=-static');
  const args = ['build', '-p', String(load.jobs), '-trimpath', '-buildvcs=false'];
  if (src.tags !== undefined && src.tags.length > 0) args.push('-tags', src.tags.join(','));
  args.push('-ldflags', ldflags.join(' '), '-o', out, src.package);
  return args;
}

/** Environment of a Go build: reproducible, no toolchain download, no workspace, gentle on the CPUs. */
export function goBuildEnv(src: GoModuleSource, load: BuildLoad = gentleLoad): Record<string, string> {
  return {
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    GOMAXPROCS: String(load.procs),
    CGO_ENABLED: src.cgo === true ? '1' : '0',
  };
}

/** gcc arguments for a C program whose sources sit in `moduleDir`. */
export function cBuildArgs(src: CSourceInModule, moduleDir: string, out: string): string[] {
  return [...src.cflags, '-o', out, ...src.files.map((f) => `${moduleDir}/${f}`)];
}

/**
 * The cache key of a build: everything that changes the binary (component, version, source and
 * flags, toolchain, builder revision). Two builds with the same key must produce the same bytes.
 */
export function cacheKey(c: UpstreamComponent, toolchain: string): string {
  const input = JSON.stringify({
    name: c.name,
    version: c.version,
    binary: c.binary,
    source: c.source,
    toolchain,
    builderRevision,
  });
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}
