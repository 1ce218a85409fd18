// GenerateClientConfiguration: a client certificate with the requested roles and lifetime from the
// OS CA, and a talosconfig that uses it. Only control planes hold the CA key.
import {
  ApiError,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  parseCertificateAndKey,
  parseRolesStrict,
  serializeClientConfig,
  type HandlersOf,
  type machineApi,
} from '@bronze/machinery';
import { isNotFoundError, type Resource } from '@bronze/runtime';
import { OSRootSecrets, OSRootSecretsId, type OSRootSecretsSpec } from '../resources/secrets-resources.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

const DefaultTtlMs = 365 * 24 * 3600_000;

function ttlMs(d: { seconds: bigint; nanos: number } | undefined): number {
  if (d === undefined) return DefaultTtlMs;
  const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
  if (ms <= 0) throw new ApiError('invalid-argument', `crtTtl must be positive; got ${String(ms)} ms`);
  return ms;
}

export function clientConfigHandlers(node: NodeApi): Handlers {
  return {
    generateClientConfiguration: async (req) => {
      let roles;
      try {
        roles = parseRolesStrict(req.roles.length === 0 ? ['os:admin'] : req.roles);
      } catch (err) {
        throw new ApiError('invalid-argument', err instanceof Error ? err.message : String(err), { cause: err });
      }
      const root = await node
        .state()
        .get<OSRootSecretsSpec>(OSRootSecrets.pointer(OSRootSecretsId))
        .catch((err: unknown): Resource<OSRootSecretsSpec> | undefined => {
          if (isNotFoundError(err)) return undefined;
          throw err;
        });
      if (root === undefined || root.spec.issuingCA.key === '') {
        throw new ApiError(
          'failed-precondition',
          'this node holds no OS CA key: generate client configurations on a control plane',
        );
      }
      const ca = parseCertificateAndKey(root.spec.issuingCA.crt, root.spec.issuingCA.key, 'machine.ca');
      const leaf = encodeCertificateAndKey(
        await issueCertificateAndKey(ca, {
          commonName: roles.join(','),
          organizations: roles,
          extKeyUsage: ['clientAuth'],
          lifetimeMs: ttlMs(req.crtTtl),
        }),
      );
      const name = node.hostname();
      const b64 = (s: string): string => Buffer.from(s).toString('base64');
      const talosconfig = serializeClientConfig({
        context: name,
        contexts: {
          [name]: {
            endpoints: [node.platform.address()],
            nodes: [node.platform.address()],
            ca: b64(root.spec.issuingCA.crt),
            crt: b64(leaf.crt),
            key: b64(leaf.key),
          },
        },
      });
      const enc = new TextEncoder();
      return {
        messages: [
          {
            metadata: replyMetadata(node),
            ca: enc.encode(root.spec.issuingCA.crt),
            crt: enc.encode(leaf.crt),
            key: enc.encode(leaf.key),
            talosconfig: enc.encode(talosconfig),
          },
        ],
      };
    },
  };
}
