// What every online command shares: the global -n/--nodes, -e/--endpoints and --context flags,
// the talosconfig, one connection for the whole command, and Ctrl-C as a clean stop.
import type { Command } from 'commander';
import {
  loadClientConfig,
  openNodeClient,
  resolveClientTarget,
  splitList,
  type NodeClient,
  type ConnectOptions,
} from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { isNodesFailedError } from '../output/node-errors.ts';
import { talosconfigPath } from './config-file.ts';

/** Io with what tests control in online commands: a Ctrl-C signal and the clock. */
export interface NodeIo extends Io {
  /** Stands for Ctrl-C; without it the command listens for SIGINT itself. */
  signal?: AbortSignal;
  now?: () => Date;
  /** Raw bytes to stdout (read, copy -); without it they go to process.stdout. */
  write?: (bytes: Uint8Array) => void;
}

/** Writes bytes unchanged to stdout (file contents, archives). */
export function writeBytes(io: Io, bytes: Uint8Array): void {
  const write = (io as NodeIo).write;
  if (write !== undefined) write(bytes);
  else process.stdout.write(bytes);
}

/** The one node of a command that cannot merge several (read, copy). */
export function singleNode(nodes: readonly { node: string }[], command: string): void {
  if (nodes.length > 1) {
    throw new UsageError(`${command} works on one node at a time, got ${String(nodes.length)}: pass one with -n`);
  }
}

export function nowOf(io: Io): Date {
  return (io as NodeIo).now?.() ?? new Date();
}

function list(value: unknown): string[] | undefined {
  if (typeof value === 'string') return splitList([value]);
  if (Array.isArray(value)) return splitList(value.filter((v): v is string => typeof v === 'string'));
  return undefined;
}

/** The global flags that pick the target: --context, --endpoints, --nodes. */
export function targetFlags(cmd: Command): { context?: string; endpoints?: string[]; nodes?: string[] } {
  const opts = cmd.optsWithGlobals<Record<string, unknown>>();
  const context = opts['context'];
  const endpoints = list(opts['endpoints']);
  const nodes = list(opts['nodes']);
  return {
    ...(typeof context === 'string' ? { context } : {}),
    ...(endpoints === undefined ? {} : { endpoints }),
    ...(nodes === undefined ? {} : { nodes }),
  };
}

/** A signal that aborts on Ctrl-C (or io.signal) until `release` is called. */
export function interruptSignal(io: Io): { signal: AbortSignal; release: () => void } {
  const given = (io as NodeIo).signal;
  if (given !== undefined) return { signal: given, release: () => undefined };
  const controller = new AbortController();
  const onSigint = (): void => {
    controller.abort(new Error('interrupted'));
  };
  process.once('SIGINT', onSigint);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSigint);
    },
  };
}

// grpc-js passes IP addresses as TLS server names, which Node flags as deprecated (DEP0123) on
// every run; the endpoints of a talosconfig are IP addresses by design, so the notice is noise.
function quietIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  if ((emit as { quiet?: boolean }).quiet === true) return;
  const filtered = (...args: unknown[]): void => {
    const [warning, second, third] = args;
    const code = typeof second === 'object' && second !== null && 'code' in second ? second.code : third;
    if (code === 'DEP0123' || (warning instanceof Error && 'code' in warning && warning.code === 'DEP0123')) return;
    emit(...args);
  };
  (filtered as { quiet?: boolean }).quiet = true;
  process.emitWarning = filtered;
}

/**
 * Connects as the talosconfig and flags say, runs `work` with the client and a Ctrl-C signal, and
 * closes the connection. A Ctrl-C ends the command quietly (exit 0), or with exit 1 when a node
 * had failed before it.
 */
export async function withNodeClient(
  cmd: Command,
  io: Io,
  work: (client: NodeClient, signal: AbortSignal) => Promise<void>,
  options: Omit<ConnectOptions, 'signal'> = {},
): Promise<void> {
  const { signal, release } = interruptSignal(io);
  quietIpServerNameWarning();
  let client: NodeClient | undefined;
  try {
    const config = await loadClientConfig(talosconfigPath(cmd, io), { signal });
    const target = resolveClientTarget(config, targetFlags(cmd));
    client = await openNodeClient(target, { ...options, signal });
    await work(client, signal);
  } catch (err) {
    // Ctrl-C ends the command quietly, unless some node had already failed (exit 1 then)
    if (!signal.aborted || isNodesFailedError(err)) throw err;
  } finally {
    client?.close();
    release();
  }
}
