// What the docker provider is configured with, and what its create steps share.
import type { EngineClient } from './engine-client.ts';

export interface DockerProvisionerOptions {
  /** Where cluster files live (`--state`): ROOT/NAME/. */
  stateRoot: string;
  /** The engine's unix socket (see resolveDockerHost). */
  socketPath: string;
  /** The node image reference (--image). */
  image: string;
  /** The cluster subnet (--cidr, default 10.5.0.0/24). */
  cidr?: string;
  /** CPUs per node (--cpus), e.g. 2 or 0.5. */
  cpus?: number;
  /** Memory per node in bytes (--memory). */
  memoryBytes?: number;
  /** Seconds a node gets to stop after SIGTERM before SIGKILL (default 10). */
  stopTimeoutS?: number;
}

export interface DockerCreateContext extends DockerProvisionerOptions {
  root: string;
  engine: EngineClient;
  stopTimeoutS: number;
}
