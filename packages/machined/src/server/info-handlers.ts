// Version and Hostname: each reply message carries `metadata {hostname}` as Talos's do.
import { VersionTag, versionInfo, type HandlersOf, type machineApi } from '@bronze/machinery';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

export function replyMetadata(node: NodeApi): { hostname: string } {
  return { hostname: node.hostname() };
}

export function infoHandlers(node: NodeApi): Handlers {
  return {
    version: () => {
      const info = versionInfo();
      return {
        messages: [
          {
            metadata: replyMetadata(node),
            version: {
              tag: VersionTag,
              sha: info.sha,
              built: info.built,
              goVersion: info.runtime,
              os: info.os,
              arch: info.arch,
            },
            platform: { name: node.platform.name, mode: node.platform.mode },
            // Roles are always enforced (the authorization table), as Talos reports with RBAC on.
            features: { rbac: true },
          },
        ],
      };
    },
    hostname: () => ({ messages: [{ metadata: replyMetadata(node), hostname: node.hostname() }] }),
  };
}
