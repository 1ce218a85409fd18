// Errors that cross the API. A handler throws a domain error; serverStatusOf turns it into a gRPC
// status (code + details) in one place, and the client turns a status back into an ApiError whose
// `code` says what happened, so callers branch on `isApiError(err, 'not-found')`.
import { status, type Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { formatErrorChain } from '../errors.ts';

/** gRPC status codes, spelled as kebab-case names (the numbers are grpc-js's `status`). */
export const ApiErrorCodes = {
  cancelled: status.CANCELLED,
  unknown: status.UNKNOWN,
  'invalid-argument': status.INVALID_ARGUMENT,
  'deadline-exceeded': status.DEADLINE_EXCEEDED,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  'permission-denied': status.PERMISSION_DENIED,
  'resource-exhausted': status.RESOURCE_EXHAUSTED,
  'failed-precondition': status.FAILED_PRECONDITION,
  aborted: status.ABORTED,
  'out-of-range': status.OUT_OF_RANGE,
  unimplemented: status.UNIMPLEMENTED,
  internal: status.INTERNAL,
  unavailable: status.UNAVAILABLE,
  'data-loss': status.DATA_LOSS,
  unauthenticated: status.UNAUTHENTICATED,
} as const;
export type ApiErrorCode = keyof typeof ApiErrorCodes;

/** An error with an explicit API status; handlers throw it, clients receive it. */
export class ApiError extends Error {
  override readonly name = 'ApiError' as const;
  readonly code: ApiErrorCode;
  /** The status details as received, and the call's trailing metadata (client side only). */
  readonly details: string | undefined;
  readonly metadata: Metadata | undefined;

  constructor(code: ApiErrorCode, message: string, options?: ErrorOptions & { details?: string; metadata?: Metadata }) {
    super(message, options);
    this.code = code;
    this.details = options?.details;
    this.metadata = options?.metadata;
  }
}

export function isApiError(err: unknown, code?: ApiErrorCode): err is ApiError {
  if (!(err instanceof Error) || err.name !== 'ApiError') return false;
  return code === undefined || ('code' in err && err.code === code);
}

// Domain errors of other modules, by their literal `name`: no import needed, and a copy of a module
// loaded twice still maps. Anything not listed becomes `unknown`, as in other gRPC servers.
const byName: Readonly<Record<string, ApiErrorCode>> = {
  NotFoundError: 'not-found',
  ConflictError: 'already-exists',
  PhaseConflictError: 'failed-precondition',
  OwnerConflictError: 'failed-precondition',
  PendingFinalizersError: 'failed-precondition',
  WatchOverflowError: 'aborted',
  ValidationError: 'invalid-argument',
  PkiError: 'invalid-argument',
  AbortError: 'cancelled',
  TimeoutError: 'deadline-exceeded',
};

const names = new Map<number, ApiErrorCode>(
  Object.entries(ApiErrorCodes).map(([name, code]) => [code, name as ApiErrorCode]),
);

/** The API code a thrown value stands for. */
export function apiErrorCodeOf(err: unknown): ApiErrorCode {
  if (isApiError(err)) return err.code;
  if (err instanceof Error) return byName[err.name] ?? 'unknown';
  return 'unknown';
}

function isStatusLike(err: unknown): err is Partial<StatusObject> & { code: number } {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number';
}

/**
 * The gRPC status a handler's failure is sent as. The status of a failed forwarded call (an ApiError
 * a client received, or a grpc-js ServiceError) passes unchanged, details and metadata included.
 */
export function serverStatusOf(err: unknown): Partial<StatusObject> & { code: number; details: string } {
  if (isApiError(err)) {
    const details = err.details ?? formatErrorChain(err);
    return { code: ApiErrorCodes[err.code], details, ...(err.metadata ? { metadata: err.metadata } : {}) };
  }
  if (isStatusLike(err) && names.has(err.code) && 'details' in err) {
    return { code: err.code, details: err.details ?? '', ...(err.metadata ? { metadata: err.metadata } : {}) };
  }
  return { code: ApiErrorCodes[apiErrorCodeOf(err)], details: formatErrorChain(err) };
}

/** The ApiError a failed client call is reported as: `method: details`, with the status kept. */
export function apiErrorFromStatus(err: unknown, method: string): ApiError {
  if (isApiError(err)) return err;
  if (isStatusLike(err)) {
    const serviceError = err as Partial<ServiceError> & { code: number };
    const code = names.get(serviceError.code) ?? 'unknown';
    const details = serviceError.details ?? (err instanceof Error ? err.message : '');
    const options = { details, ...(serviceError.metadata ? { metadata: serviceError.metadata } : {}) };
    return new ApiError(code, `${method}: ${details}`, options);
  }
  return new ApiError('unknown', `${method}: ${formatErrorChain(err)}`, { cause: err });
}
