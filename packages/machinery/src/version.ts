import { arch, platform, version as nodeVersion } from 'node:process';

/** The release this checkout builds; bumped by the release process. */
export const VersionTag = 'v0.1.0';

export interface VersionInfo {
  tag: string;
  sha: string;
  built: string;
  runtime: string;
  os: string;
  arch: string;
}

/**
 * Describes the running build. Image builds stamp the commit and build time through
 * `BRONZE_SHA` and `BRONZE_BUILT` (esbuild `define`); a source checkout reports them as unknown.
 */
export function versionInfo(env: NodeJS.ProcessEnv = process.env): VersionInfo {
  return {
    tag: VersionTag,
    sha: env['BRONZE_SHA'] ?? 'unknown',
    built: env['BRONZE_BUILT'] ?? 'unknown',
    runtime: `node ${nodeVersion}`,
    os: platform,
    arch: arch === 'x64' ? 'amd64' : arch,
  };
}

/** Renders version information the way talosctl lays it out, one field a line. */
export function formatVersion(info: VersionInfo, indent = '\t'): string {
  const rows: [string, string][] = [
    ['Tag', info.tag],
    ['SHA', info.sha],
    ['Built', info.built],
    ['Runtime', info.runtime],
    ['OS/Arch', `${info.os}/${info.arch}`],
  ];
  return rows.map(([k, v]) => `${indent}${`${k}:`.padEnd(12)} ${v}`).join('\n');
}
