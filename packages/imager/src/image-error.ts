/** What went wrong while building, auditing, signing or verifying a node image. */
export type ImageErrorCode =
  | 'missing-tool'
  | 'tool-failed'
  | 'missing-input'
  | 'checksum-mismatch'
  | 'bad-components'
  | 'audit-failed'
  | 'output-exists'
  | 'bad-elf'
  | 'bad-signature'
  | 'digest-mismatch'
  | 'bad-key';

/** A domain error of the image builder; `code` says which kind, the message what to do. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export function isImageError(err: unknown): err is ImageError {
  return err instanceof Error && err.name === 'ImageError';
}
