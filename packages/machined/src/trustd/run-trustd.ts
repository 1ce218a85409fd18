// trustd (control planes, ADDRESS:50001): signs server certificates for joining nodes that present
// the machine token. Its own TLS server certificate is issued here from the OS CA (24 h, renewed
// every 12 h and whenever the OS secrets change) and swapped into the running server.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addService,
  createApiServer,
  dial,
  encodeCertificateAndKey,
  formatErrorChain,
  issueCertificateAndKey,
  listenApiServer,
  MutualTlsServerCredentials,
  securityApi,
  stopApiServer,
  type TlsMaterial,
} from '@bronze/machinery';
import type { Logger } from '@bronze/runtime';
import { ChannelCredentials, type Server } from '@grpc/grpc-js';
import { opensslKeyPem } from '../apid/api-tls.ts';
import { watchResource } from '../apid/resource-watch.ts';
import { machineSocketPath } from '../apid/run-apid.ts';
import { certificateHandlers } from './certificate-service.ts';
import { OSRootSecretsRef, trustdSecretsFromConfig, trustdSecretsOf, type TrustdSecrets } from './trustd-secrets.ts';
import { serveUntilAborted } from '../machined/daemon-entry.ts';

export const TrustdPort = 50001;
const ServerLifetimeMs = 24 * 3_600_000;
const RenewEveryMs = 12 * 3_600_000;

export interface TrustdOptions {
  stateDir: string;
  address: string;
  signal: AbortSignal;
  logger: Logger;
  /** Listening port (default 50001; 0 picks one, for tests). */
  port?: number;
  socketPath?: string;
  /** The machine config to read the OS CA from until machined publishes OSRootSecrets. */
  configPath?: string;
}

export interface Trustd {
  serving(signal?: AbortSignal): Promise<number>;
  stop(): Promise<void>;
}

async function serverMaterial(secrets: TrustdSecrets, address: string): Promise<TlsMaterial> {
  const leaf = await issueCertificateAndKey(secrets.issuer, {
    commonName: 'trustd',
    ipAddresses: [...new Set([address, ...secrets.ips])].filter((a) => /^[0-9.]+$/.test(a) || a.includes(':')),
    dnsNames: secrets.dnsNames,
    extKeyUsage: ['serverAuth'],
    lifetimeMs: ServerLifetimeMs,
  });
  const { crt, key } = encodeCertificateAndKey(leaf);
  return { ca: secrets.acceptedCAs, cert: crt, key: opensslKeyPem(key) };
}

function initialSecrets(options: TrustdOptions): TrustdSecrets | undefined {
  const path = options.configPath ?? join(options.stateDir, 'system', 'state', 'config.yaml');
  if (!existsSync(path)) return undefined;
  try {
    return trustdSecretsFromConfig(readFileSync(path, 'utf8'), path);
  } catch (err) {
    options.logger.warn('trustd cannot read the OS CA from the config', { path, error: formatErrorChain(err) });
    return undefined;
  }
}

export function startTrustd(options: TrustdOptions): Trustd {
  const log = options.logger;
  const stopping = new AbortController();
  const signal = AbortSignal.any([options.signal, stopping.signal]);
  const channel = dial(`unix:${options.socketPath ?? machineSocketPath(options.stateDir)}`, {
    credentials: ChannelCredentials.createInsecure(),
  });
  let secrets = initialSecrets(options);
  let listener: { server: Server; credentials: MutualTlsServerCredentials } | undefined;
  let port = options.port ?? TrustdPort;
  let chain = Promise.resolve();
  const waiters = new Set<() => void>();

  const refresh = async (): Promise<void> => {
    if (signal.aborted || secrets === undefined) return;
    const material = await serverMaterial(secrets, options.address);
    if (listener !== undefined) {
      listener.credentials.update(material);
      log.info('trustd certificate renewed');
      return;
    }
    const credentials = new MutualTlsServerCredentials(material, { requireClientCertificate: false });
    const server = createApiServer();
    addService(server, { service: securityApi.SecurityService, handlers: certificateHandlers(() => secrets, log) });
    const host = options.address.includes(':') ? `[${options.address}]` : options.address;
    port = await listenApiServer(server, { address: `${host}:${port}`, credentials });
    listener = { server, credentials };
    log.info('trustd serving', { address: options.address, port });
    for (const wake of waiters) wake();
  };
  const schedule = (): void => {
    chain = chain.then(refresh).catch((err: unknown) => {
      log.error('trustd cannot serve', { error: formatErrorChain(err) });
    });
  };
  if (secrets === undefined) log.info('trustd waiting for OSRootSecrets (secrets/os) from machined');
  schedule();
  const renew = setInterval(schedule, RenewEveryMs);
  renew.unref();
  void watchResource(channel, OSRootSecretsRef, {
    signal,
    logger: log.child({ component: 'trustd-watch' }),
    onChange: (spec) => {
      const next = trustdSecretsOf(spec);
      if (next === undefined) return;
      secrets = next;
      schedule();
    },
  });

  return {
    serving: (waitSignal) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (listener === undefined) return;
          waiters.delete(check);
          resolve(port);
        };
        waitSignal?.addEventListener('abort', () => {
          waiters.delete(check);
          reject(waitSignal.reason as Error);
        });
        waiters.add(check);
        check();
      }),
    stop: async () => {
      stopping.abort();
      clearInterval(renew);
      await chain;
      if (listener !== undefined) await stopApiServer(listener.server, { graceMs: 1000 });
      channel.close();
    },
  };
}

/** Runs trustd until `options.signal` aborts (the entry main.ts dispatches to). */
export async function runTrustd(options: TrustdOptions): Promise<void> {
  const trustd = startTrustd(options);
  await serveUntilAborted(trustd, options.signal);
}
