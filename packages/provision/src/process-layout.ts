// Where a process cluster keeps its files under the state root:
//   NAME/cluster.json  secrets.yaml  talosconfig
//   NAME/configs/NODE.yaml   NAME/nodes/NODE/ (the node's --state-dir)   NAME/logs/NODE.log
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';

/** machined's API socket under a node's state directory (docs/NODE.md). */
const socketSuffix = '/system/run/machined/machine.sock';
/** sun_path holds 108 bytes with the terminating NUL. */
const maxSocketPath = 107;

/** A node's state directory: nodes/ROLE-N (the cluster name is already in the path). */
export function nodeStateDir(dir: string, node: { name: string; role: string }): string {
  const suffix = node.name.slice(node.name.lastIndexOf(`${node.role}-`));
  return join(dir, 'nodes', suffix);
}

/** machined listens on a unix socket inside the state directory, whose path length is limited. */
export function checkStateDirLength(stateDir: string): void {
  const length = Buffer.byteLength(stateDir + socketSuffix);
  if (length > maxSocketPath) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `the node state directory ${stateDir} is too long: machined's socket under it would be ${length} bytes, and unix sockets allow ${maxSocketPath}; use a shorter --state or --name`,
    );
  }
}

export function nodeConfigPath(dir: string, node: string): string {
  return join(dir, 'configs', `${node}.yaml`);
}

export function nodeLogPath(dir: string, node: string): string {
  return join(dir, 'logs', `${node}.log`);
}

/** machined's multi-call entry in this checkout ($BRONZE_MACHINED overrides it). */
export function defaultNodeProgram(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['BRONZE_MACHINED'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fileURLToPath(new URL('../../machined/src/main.ts', import.meta.url));
}

export function checkNodeProgram(program: string): void {
  if (!existsSync(program)) {
    throw new ProvisionError(
      ProvisionErrorCode.missingProgram,
      `the node program ${program} does not exist: process clusters run machined from this checkout (or set $BRONZE_MACHINED)`,
    );
  }
}

const namePattern = /^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/;

/** Checks a cluster request's name and sizes; the messages say what is allowed. */
export function checkClusterShape(request: { name: string; controlPlanes: number; workers: number }): void {
  if (!namePattern.test(request.name)) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `cluster name ${JSON.stringify(request.name)} is not valid: use lowercase letters, digits and dashes (at most 42)`,
    );
  }
  const { controlPlanes, workers } = request;
  if (!Number.isInteger(controlPlanes) || controlPlanes < 1) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `--controlplanes ${controlPlanes}: a cluster needs at least 1 control-plane node`,
    );
  }
  if (!Number.isInteger(workers) || workers < 0) {
    throw new ProvisionError(ProvisionErrorCode.invalid, `--workers ${workers}: give 0 or more workers`);
  }
  if (controlPlanes + workers > 250) {
    throw new ProvisionError(
      ProvisionErrorCode.invalid,
      `${controlPlanes + workers} nodes do not fit in one loopback /24: use at most 250`,
    );
  }
}
