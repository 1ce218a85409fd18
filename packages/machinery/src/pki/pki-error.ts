/** What went wrong with a key, certificate or request; scripts and tests branch on it. */
export type PkiErrorCode =
  | 'invalid-pem'
  | 'invalid-key'
  | 'invalid-certificate'
  | 'invalid-csr'
  | 'key-mismatch'
  | 'untrusted'
  | 'expired'
  | 'not-yet-valid'
  | 'not-a-ca'
  | 'wrong-usage'
  | 'wrong-name';

/** A key, certificate or signing request that cannot be used as asked. */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export function isPkiError(err: unknown): err is PkiError {
  return err instanceof Error && err.name === 'PkiError';
}
