export { VersionTag, versionInfo, formatVersion } from './version.ts';
export type { VersionInfo } from './version.ts';
export { formatErrorChain } from './errors.ts';
