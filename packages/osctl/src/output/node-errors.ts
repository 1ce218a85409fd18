// Per-node failures: each is printed as `NODE: error` on stderr while the other nodes' output goes
// on; the command then exits 1 with a count.
import { formatErrorChain, type NodeResult } from '@bronze/machinery';
import type { Io } from '../io.ts';

/** Prints `NODE: error` for one failed node. */
export function printNodeError(io: Io, node: string, error: unknown): void {
  io.err(`${node}: ${formatErrorChain(error)}\n`);
}

/** Thrown after the output when some nodes failed (their errors are already printed): exit 1. */
export class NodesFailedError extends Error {
  override readonly name = 'NodesFailedError' as const;
}

export function isNodesFailedError(err: unknown): err is NodesFailedError {
  return err instanceof Error && err.name === 'NodesFailedError';
}

/** Throws NodesFailedError when `failed` > 0. */
export function failIfAny(failed: number, total: number): void {
  if (failed === 0) return;
  const what = total === 1 ? 'the node failed' : `${String(failed)} of ${String(total)} nodes failed`;
  throw new NodesFailedError(`${what}; see the errors above`);
}

/** Splits results into successes (to print) and failures (printed now on stderr). */
export function partition<T>(io: Io, results: readonly NodeResult<T>[]): { node: string; value: T }[] {
  const ok: { node: string; value: T }[] = [];
  for (const r of results) {
    if (r.ok) ok.push({ node: r.node, value: r.value });
    else printNodeError(io, r.node, r.error);
  }
  return ok;
}

/** Prints the failures of `results` and throws when there were any (after the caller printed the rest). */
export function finish(results: readonly NodeResult<unknown>[], nodes: number): void {
  failIfAny(new Set(results.filter((r) => !r.ok).map((r) => r.node)).size, nodes);
}
