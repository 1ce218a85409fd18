// The one error of the Kubernetes API client: the HTTP status (0 when no answer came), the API's
// Status reason and message, and the request that failed.

export interface KubeApiErrorOptions {
  /** HTTP status; 0 when the request got no answer (connection refused, TLS failure, timeout). */
  status: number;
  /** The Status object's `reason` (NotFound, AlreadyExists, Forbidden, Conflict...), or a Node error code. */
  reason?: string;
  method: string;
  path: string;
  cause?: unknown;
}

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly reason: string;
  readonly method: string;
  readonly path: string;

  constructor(message: string, options: KubeApiErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.reason = options.reason ?? '';
    this.method = options.method;
    this.path = options.path;
  }
}

/** True for a KubeApiError, and with `status` only for that HTTP status (0: no answer). */
export function isKubeApiError(err: unknown, status?: number): err is KubeApiError {
  if (!(err instanceof KubeApiError)) return false;
  return status === undefined || err.status === status;
}

interface StatusBody {
  kind?: unknown;
  message?: unknown;
  reason?: unknown;
}

/** The error for an answer with status >= 400: the Status message when the body is one. */
export function kubeApiErrorOf(status: number, body: string, request: { method: string; path: string }): KubeApiError {
  let message = body.trim().slice(0, 500);
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as StatusBody;
    if (parsed.kind === 'Status') {
      if (typeof parsed.message === 'string') message = parsed.message;
      if (typeof parsed.reason === 'string') reason = parsed.reason;
    }
  } catch {
    // not JSON: keep the text
  }
  const text = `${request.method} ${request.path}: ${String(status)}${reason === undefined ? '' : ` ${reason}`}: ${message}`;
  return new KubeApiError(text, { status, ...(reason === undefined ? {} : { reason }), ...request });
}
