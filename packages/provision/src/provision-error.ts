/** What went wrong while provisioning, with what to do next. */
export const ProvisionErrorCode = {
  /** A cluster of that name exists. */
  exists: 'exists',
  /** No cluster of that name. */
  notFound: 'not-found',
  /** The request is not valid (name, counts, patches). */
  invalid: 'invalid',
  /** No free address range, or an address that cannot be bound. */
  addresses: 'addresses',
  /** A node failed to start or to answer in time. */
  nodeFailed: 'node-failed',
  /** The node program is not there. */
  missingProgram: 'missing-program',
} as const;
export type ProvisionErrorCode = (typeof ProvisionErrorCode)[keyof typeof ProvisionErrorCode];

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
  readonly code: ProvisionErrorCode;

  constructor(code: ProvisionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isProvisionError(err: unknown, code?: ProvisionErrorCode): err is ProvisionError {
  if (!(err instanceof Error) || err.name !== 'ProvisionError') return false;
  return code === undefined || ('code' in err && err.code === code);
}
