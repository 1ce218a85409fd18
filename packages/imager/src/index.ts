export { buildImage, ImageFiles, defaultRepoRoot, imageRef } from './build.ts';
export type { BuildOptions, BuildResult, ImageManifest } from './build.ts';
export { ImageError, isImageError } from './image-error.ts';
export type { ImageErrorCode } from './image-error.ts';
export { auditRootfs, ForbiddenNames } from './audit.ts';
export type { AuditResult } from './audit.ts';
export { parseElf, isElf } from './elf.ts';
export type { ElfInfo } from './elf.ts';
export { loadComponents, parseComponents, componentsFile } from './components.ts';
export type { Component, ComponentFile, ComponentSource } from './components.ts';
export { formatSizeReport, sizeReport } from './size-report.ts';
export type { SizeReport, ComponentSize } from './size-report.ts';
export { MediaType as OciMediaType, ImageRepository, ociArchive } from './oci.ts';
export { hasTool } from './run-tool.ts';
export {
  signImage,
  verifyImage,
  parseSignature,
  signingKey,
  verifyKey,
  publicKeyPem,
  keyFingerprint,
  SignatureFormat,
} from './sign.ts';
export type { ImageSignature, VerifyOptions } from './sign.ts';
