// ApiCertificates: what apid serves with. A control plane issues apid's server certificate and its
// `os:impersonator` client certificate from the OS CA; a worker (which has no CA key) sends a CSR to
// trustd on the control-plane endpoint. Certificates live 24 h and are re-issued at half-life, or
// at once when the names they carry change.
import { isIP } from 'node:net';
import {
  createCsr,
  encodeCertificateAndKey,
  encodePrivateKeyPem,
  generatePrivateKey,
  issueCertificateAndKey,
  parseCertificateAndKey,
  Role,
} from '@bronze/machinery';
import { exclusive, weak, type Controller, type ControllerContext } from '@bronze/runtime';
import { MachineType, MachineTypeId } from '../resources/config-resources.ts';
import { HostnameStatus, HostnameStatusId, NodeAddress, NodeAddressIds } from '../resources/network-resources.ts';
import {
  ApiCertificates,
  ApiCertificatesId,
  OSRootSecrets,
  OSRootSecretsId,
  type ApiCertificatesSpec,
  type OSRootSecretsSpec,
} from '../resources/secrets-resources.ts';

/** Asks trustd to sign a CSR (securityapi.SecurityService/Certificate with metadata `token`). */
export type CertificateRequester = (
  request: { host: string; csrPem: string; token: string; caPem: string },
  signal: AbortSignal,
) => Promise<{ caPem: string; crtPem: string }>;

export interface ApiCertificatesControllerOptions {
  requestCertificate: CertificateRequester;
  /** The host trustd is reached at on workers (the control-plane endpoint's host). */
  trustdHost: () => string | undefined;
  lifetimeMs?: number;
  now?: () => number;
  /** Retry delays while trustd does not answer: from initialMs doubling up to maxMs. */
  retry?: { initialMs: number; maxMs: number };
}

export const ApiCertificateLifetimeMs = 24 * 3600_000;

interface Issued {
  /** The names and CA the certificates were issued for. */
  key: string;
  at: number;
}

export function apiCertificatesController(options: ApiCertificatesControllerOptions): Controller {
  const lifetimeMs = options.lifetimeMs ?? ApiCertificateLifetimeMs;
  const now = options.now ?? Date.now;
  const retry = options.retry ?? { initialMs: 1000, maxMs: 30_000 };
  return {
    name: 'secrets.APICertificatesController',
    inputs: [weak(OSRootSecrets), weak(MachineType), weak(HostnameStatus), weak(NodeAddress)],
    outputs: [exclusive(ApiCertificates)],
    async run(ctx) {
      let issued: Issued | undefined;
      let timer: NodeJS.Timeout | undefined;
      let failures = 0;
      const wakeIn = (ms: number): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          ctx.queueReconcile();
        }, ms);
      };
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
      });
      for await (const _ of ctx.changes()) {
        const inputs = await readInputs(ctx);
        if (inputs === undefined) continue;
        const key = JSON.stringify([inputs.type, inputs.names, inputs.root.issuingCA.crt]);
        const age = issued === undefined || issued.key !== key ? Infinity : now() - issued.at;
        if (age < lifetimeMs / 2) {
          // Woken early (another input changed, or a timer ran ahead of the wall clock).
          wakeIn(lifetimeMs / 2 - age);
          continue;
        }
        try {
          const spec =
            inputs.type === 'controlplane'
              ? await issueLocally(inputs.root, inputs.names, lifetimeMs)
              : await requestFromTrustd(inputs, options, ctx.signal);
          await ctx.modify({ type: ApiCertificates, id: ApiCertificatesId }, (out) => {
            out.acceptedCAs = spec.acceptedCAs;
            out.server = spec.server;
            if (spec.client === undefined) delete out.client;
            else out.client = spec.client;
          });
          issued = { key, at: now() };
          failures = 0;
          wakeIn(lifetimeMs / 2);
        } catch (err) {
          if (ctx.signal.aborted) return;
          const delay = Math.min(retry.initialMs * 2 ** failures++, retry.maxMs);
          ctx.logger.warn('cannot get the api certificates yet; retrying', {
            error: err instanceof Error ? err.message : String(err),
            retryInMs: delay,
          });
          wakeIn(delay);
        }
      }
    },
  };
}

interface Inputs {
  type: 'controlplane' | 'worker';
  root: OSRootSecretsSpec;
  names: { ips: string[]; dns: string[] };
}

async function readInputs(ctx: ControllerContext): Promise<Inputs | undefined> {
  const root = await ctx.find(OSRootSecrets, OSRootSecretsId);
  const type = await ctx.find(MachineType, MachineTypeId);
  const host = await ctx.find(HostnameStatus, HostnameStatusId);
  const addr = await ctx.find(NodeAddress, NodeAddressIds.default);
  if (root === undefined || type === undefined || host === undefined || addr === undefined) return undefined;
  const machineType = type.spec.machineType;
  if (machineType === 'unknown' || root.spec.issuingCA.crt === '') return undefined;
  const ips = new Set(['127.0.0.1', ...addr.spec.addresses.map((a) => a.split('/')[0] ?? a), ...root.spec.certSANIPs]);
  const dns = new Set([host.spec.hostname, ...root.spec.certSANDNSNames].filter((n) => n !== ''));
  return {
    type: machineType,
    root: root.spec,
    names: { ips: [...ips].filter((ip) => isIP(ip) !== 0), dns: [...dns] },
  };
}

async function issueLocally(
  root: OSRootSecretsSpec,
  names: { ips: string[]; dns: string[] },
  lifetimeMs: number,
): Promise<ApiCertificatesSpec> {
  const ca = parseCertificateAndKey(root.issuingCA.crt, root.issuingCA.key, 'machine.ca');
  const server = await issueCertificateAndKey(ca, {
    commonName: names.dns[0] ?? 'apid',
    dnsNames: names.dns,
    ipAddresses: names.ips,
    extKeyUsage: ['serverAuth'],
    lifetimeMs,
  });
  const client = await issueCertificateAndKey(ca, {
    commonName: 'apid',
    organizations: [Role.impersonator],
    extKeyUsage: ['clientAuth'],
    lifetimeMs,
  });
  return {
    acceptedCAs: root.acceptedCAs,
    server: encodeCertificateAndKey(server),
    client: encodeCertificateAndKey(client),
  };
}

async function requestFromTrustd(
  inputs: Inputs,
  options: ApiCertificatesControllerOptions,
  signal: AbortSignal,
): Promise<ApiCertificatesSpec> {
  const host = options.trustdHost();
  if (host === undefined) throw new Error('the config has no cluster.controlPlane.endpoint to reach trustd at');
  const key = await generatePrivateKey('ed25519');
  const csrPem = await createCsr(key, {
    commonName: inputs.names.dns[0] ?? 'apid',
    dnsNames: inputs.names.dns,
    ipAddresses: inputs.names.ips,
  });
  const reply = await options.requestCertificate(
    { host, csrPem, token: inputs.root.token, caPem: inputs.root.issuingCA.crt },
    signal,
  );
  return {
    acceptedCAs: inputs.root.acceptedCAs,
    server: { crt: reply.crtPem, key: encodePrivateKeyPem(key) },
  };
}
