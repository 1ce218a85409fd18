// The Docker Engine API client: the calls of engine-resources.ts and engine-containers.ts bound to
// one socket. Docker and Podman's compatible service both answer it.
import * as containers from './engine-containers.ts';
import * as resources from './engine-resources.ts';

type Bound<F> = F extends (sock: string, ...rest: infer A) => infer R ? (...rest: A) => R : never;

export interface EngineClient {
  readonly socketPath: string;
  version: Bound<typeof resources.version>;
  ping: Bound<typeof resources.ping>;
  createNetwork: Bound<typeof resources.createNetwork>;
  inspectNetwork: Bound<typeof resources.inspectNetwork>;
  listNetworks: Bound<typeof resources.listNetworks>;
  removeNetwork: Bound<typeof resources.removeNetwork>;
  createVolume: Bound<typeof resources.createVolume>;
  listVolumes: Bound<typeof resources.listVolumes>;
  removeVolume: Bound<typeof resources.removeVolume>;
  loadImage: Bound<typeof resources.loadImage>;
  inspectImage: Bound<typeof resources.inspectImage>;
  removeImage: Bound<typeof resources.removeImage>;
  createContainer: Bound<typeof containers.createContainer>;
  startContainer: Bound<typeof containers.startContainer>;
  stopContainer: Bound<typeof containers.stopContainer>;
  killContainer: Bound<typeof containers.killContainer>;
  inspectContainer: Bound<typeof containers.inspectContainer>;
  listContainers: Bound<typeof containers.listContainers>;
  containerLogs: Bound<typeof containers.containerLogs>;
  removeContainer: Bound<typeof containers.removeContainer>;
}

export function engineClient(socketPath: string): EngineClient {
  const s = socketPath;
  return {
    socketPath,
    version: (...a) => resources.version(s, ...a),
    ping: (...a) => resources.ping(s, ...a),
    createNetwork: (...a) => resources.createNetwork(s, ...a),
    inspectNetwork: (...a) => resources.inspectNetwork(s, ...a),
    listNetworks: (...a) => resources.listNetworks(s, ...a),
    removeNetwork: (...a) => resources.removeNetwork(s, ...a),
    createVolume: (...a) => resources.createVolume(s, ...a),
    listVolumes: (...a) => resources.listVolumes(s, ...a),
    removeVolume: (...a) => resources.removeVolume(s, ...a),
    loadImage: (...a) => resources.loadImage(s, ...a),
    inspectImage: (...a) => resources.inspectImage(s, ...a),
    removeImage: (...a) => resources.removeImage(s, ...a),
    createContainer: (...a) => containers.createContainer(s, ...a),
    startContainer: (...a) => containers.startContainer(s, ...a),
    stopContainer: (...a) => containers.stopContainer(s, ...a),
    killContainer: (...a) => containers.killContainer(s, ...a),
    inspectContainer: (...a) => containers.inspectContainer(s, ...a),
    listContainers: (...a) => containers.listContainers(s, ...a),
    containerLogs: (...a) => containers.containerLogs(s, ...a),
    removeContainer: (...a) => containers.removeContainer(s, ...a),
  };
}
