import type { UpstreamComponent, UpstreamSource } from './upstream-component.ts';

export interface ListProblem {
  /** Where: `components[3].source.package`. */
  path: string;
  message: string;
}

export interface ListValidation {
  errors: ListProblem[];
  warnings: ListProblem[];
}

const namePattern = /^[a-z0-9][a-z0-9-]*$/;
const modulePattern = /^[a-z0-9.-]+\.[a-z]+(\/[A-Za-z0-9._~-]+)*$/;
const semver = /^v\d+\.\d+\.\d+$/;

function checkSource(src: UpstreamSource, version: string, at: string, out: ListValidation): void {
  switch (src.kind) {
    case 'go-module': {
      if (!modulePattern.test(src.module))
        out.errors.push({ path: `${at}.module`, message: `not a module path: ${src.module}` });
      if (src.package !== src.module && !src.package.startsWith(`${src.module}/`))
        out.errors.push({ path: `${at}.package`, message: `${src.package} is not inside module ${src.module}` });
      const moduleVersion = src.moduleVersion ?? version;
      if (!semver.test(moduleVersion))
        out.errors.push({ path: at, message: `a go module version looks like v1.2.3, got ${moduleVersion}` });
      if (src.localReplaceVersion !== undefined && !semver.test(src.localReplaceVersion))
        out.errors.push({
          path: `${at}.localReplaceVersion`,
          message: `expected v1.2.3, got ${src.localReplaceVersion}`,
        });
      for (const [i, f] of (src.versionFlags ?? []).entries())
        if (!/^[^\s=]+\.[A-Za-z_]\w*=\S+$/.test(f))
          out.errors.push({
            path: `${at}.versionFlags[${String(i)}]`,
            message: `expected importpath.name=value, got ${f}`,
          });
      for (const [i, r] of (src.replaces ?? []).entries())
        if (!/^\S+ => \S+ v\d+\.\d+\.\d+\S*$/.test(r))
          out.errors.push({
            path: `${at}.replaces[${String(i)}]`,
            message: `expected "module => module v1.2.3", got ${r}`,
          });
      for (const [i, t] of (src.tags ?? []).entries())
        if (!/^[A-Za-z0-9_.]+$/.test(t))
          out.errors.push({ path: `${at}.tags[${String(i)}]`, message: `not a build tag: ${t}` });
      if (src.cgo === true)
        out.warnings.push({
          path: `${at}.cgo`,
          message: 'a cgo build links the host libc (statically): its checksum depends on the libc version too',
        });
      return;
    }
    case 'c-in-module':
      if (!/^[^@\s]+@v\d+\.\d+\.\d+$/.test(src.module))
        out.errors.push({ path: `${at}.module`, message: `expected module@v1.2.3, got ${src.module}` });
      if (src.files.length === 0) out.errors.push({ path: `${at}.files`, message: 'name at least one source file' });
      for (const [i, f] of src.files.entries())
        if (f.startsWith('/') || f.split('/').includes('..'))
          out.errors.push({ path: `${at}.files[${String(i)}]`, message: `must be relative to the module root: ${f}` });
      return;
    case 'debian':
      if (!src.path.startsWith('/')) out.errors.push({ path: `${at}.path`, message: `must be absolute: ${src.path}` });
      return;
  }
}

/** Checks the pinned list: unique names, well-formed modules, versions, flags and checksums. */
export function validateUpstreamList(list: readonly UpstreamComponent[]): ListValidation {
  const out: ListValidation = { errors: [], warnings: [] };
  const seen = new Set<string>();
  for (const [i, c] of list.entries()) {
    const at = `components[${String(i)}]`;
    if (!namePattern.test(c.name)) out.errors.push({ path: `${at}.name`, message: `not a kebab-case name: ${c.name}` });
    if (seen.has(c.name)) out.errors.push({ path: `${at}.name`, message: `duplicate component ${c.name}` });
    seen.add(c.name);
    if (c.binary === '' || c.binary.includes('/'))
      out.errors.push({
        path: `${at}.binary`,
        message: `a file name without slashes, got ${JSON.stringify(c.binary)}`,
      });
    if (c.reason.trim() === '') out.warnings.push({ path: `${at}.reason`, message: 'say why this version' });
    checkSource(c.source, c.version, `${at}.source`, out);
    if (c.built !== undefined && !/^[0-9a-f]{64}$/.test(c.built.sha256))
      out.errors.push({ path: `${at}.built.sha256`, message: `not a sha-256 hex digest: ${c.built.sha256}` });
    if (c.release !== undefined) {
      if (!/^https:\/\/[^\s/]+\/\S+$/.test(c.release.url))
        out.errors.push({ path: `${at}.release.url`, message: `not an https URL: ${c.release.url}` });
      if (!/^[0-9a-f]{64}$/.test(c.release.sha256))
        out.errors.push({ path: `${at}.release.sha256`, message: `not a sha-256 hex digest: ${c.release.sha256}` });
    }
    if (c.built === undefined && c.source.kind !== 'debian')
      out.warnings.push({ path: `${at}.built`, message: `no checksum recorded yet: build ${c.name} and record it` });
  }
  return out;
}
