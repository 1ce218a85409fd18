// The etcd domain error: what a caller of bootstrap, join, recover or the client can act on.
// `code` says which rule refused; machined's API maps it to a status (see etcdErrorStatus).
import type { ApiErrorCode } from '@bronze/machinery';

export type EtcdErrorCode =
  /** The node's etcd data directory holds data: bootstrap or recover would destroy or fork it. */
  | 'data-exists'
  /** An etcd cluster already runs on this node. */
  | 'already-bootstrapped'
  /** The config has no etcd CA (cluster.etcd.ca), so this node cannot run etcd. */
  | 'no-ca'
  /** The etcd binary is missing, or too old for what is asked (learners need 3.4). */
  | 'binary'
  /** A member operation etcd refused or that cannot proceed (e.g. no other voting member). */
  | 'member'
  /** A snapshot or restore failed. */
  | 'snapshot';

export class EtcdError extends Error {
  override readonly name = 'EtcdError' as const;
  readonly code: EtcdErrorCode;

  constructor(code: EtcdErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export function isEtcdError(err: unknown, code?: EtcdErrorCode): err is EtcdError {
  if (!(err instanceof Error) || err.name !== 'EtcdError') return false;
  return code === undefined || ('code' in err && err.code === code);
}

/** The gRPC status an API handler should answer with for an EtcdError (Talos's choices). */
export function etcdErrorStatus(err: EtcdError): ApiErrorCode {
  switch (err.code) {
    case 'data-exists':
    case 'already-bootstrapped':
      return 'already-exists';
    case 'no-ca':
      return 'invalid-argument';
    case 'binary':
    case 'member':
    case 'snapshot':
      return 'failed-precondition';
  }
}
