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
export { upstreamComponents, upstreamComponent, kubernetesVersion } from './components/upstream-list.ts';
export type { UpstreamComponent, UpstreamSource, BuiltChecksum } from './components/upstream-component.ts';
export { validateUpstreamList } from './components/validate-list.ts';
export type { ListValidation, ListProblem } from './components/validate-list.ts';
export { buildComponent, defaultComponentCache } from './components/build-component.ts';
export type { BuildComponentOptions, ComponentBuild, ChecksumStatus } from './components/build-component.ts';
export { cacheKey as componentCacheKey, gentleLoad } from './components/build-plan.ts';
export type { BuildLoad } from './components/build-plan.ts';
export { componentImageSpecs, componentImageSpec, ComponentImagesDir } from './components/image-specs.ts';
export type { ComponentImageSpec } from './components/image-specs.ts';
export { buildImageArchive, componentImageKey, componentImageFormat } from './components/component-image.ts';
export type { ComponentImage, ImageInput, BuildImageArchiveOptions } from './components/component-image.ts';
export {
  buildComponentImages,
  componentBinary,
  defaultImageCache,
  imageIndex,
  ImageIndexFile,
  nodeImageArchives,
  pinnedCaCertificates,
} from './components/component-images.ts';
export type { BuildComponentImagesOptions, ImageIndexEntry } from './components/component-images.ts';
