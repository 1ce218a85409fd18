// Kubeconfig: a tar.gz holding one file, `kubeconfig`, with a fresh admin client certificate from the
// Kubernetes CA (machinery's adminKubeconfig). Only control planes hold that CA's key.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import {
  adminKubeconfig,
  ApiError,
  isKubeconfigError,
  loadConfig,
  type HandlersOf,
  type machineApi,
} from '@bronze/machinery';
import { isNotFoundError } from '@bronze/runtime';
import { MachineConfig, MachineConfigId, type MachineConfigSpec } from '../resources/config-resources.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';
import { tarEnd, tarEntry } from './tar-writer.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

export function kubeconfigHandlers(node: NodeApi): Handlers {
  return {
    kubeconfig: async function* () {
      const text = await node
        .state()
        .get<MachineConfigSpec>(MachineConfig.pointer(MachineConfigId))
        .then((r) => r.spec)
        .catch((err: unknown) => {
          if (isNotFoundError(err)) throw new ApiError('failed-precondition', 'the node has no machine config yet');
          throw err;
        });
      const config = loadConfig(text).config;
      if (config?.isControlPlane() !== true) {
        throw new ApiError('failed-precondition', 'kubeconfig is served by control-plane nodes only: ask one (-n CP)');
      }
      let yaml: string;
      try {
        yaml = await adminKubeconfig(config);
      } catch (err) {
        if (isKubeconfigError(err)) throw new ApiError('failed-precondition', err.message, { cause: err });
        throw err;
      }
      const tar = Buffer.concat([
        ...tarEntry({
          name: 'kubeconfig',
          mode: 0o600,
          mtime: Date.now() / 1000,
          type: 'file',
          data: Buffer.from(yaml),
        }),
        tarEnd(),
      ]);
      yield { metadata: replyMetadata(node), bytes: await gzip(tar) };
    },
  };
}

const gzip = promisify(gzipCallback);
