// apid: the node's network-facing API on ADDRESS:50000. It learns its mode and certificates from
// machined (watching ApiCertificates and MachineStatus over machined's socket), serves with mutual
// TLS, and forwards every call (see proxy-service.ts). Renewed certificates are swapped into the
// running server; only a change of mode (maintenance ↔ normal) restarts the listener, because
// whether a client certificate is required is fixed per listener.
import { join } from 'node:path';
import { formatErrorChain } from '@bronze/machinery';
import type { Logger } from '@bronze/runtime';
import { apiTlsOf, ApiCertificatesRef, maintenanceTls, type ApiTls } from './api-tls.ts';
import { ApidListener } from './apid-listener.ts';
import { watchResource } from './resource-watch.ts';
import { Upstreams } from './upstreams.ts';
import { serveUntilAborted } from '../machined/daemon-entry.ts';

export const ApidPort = 50000;

export const MachineStatusRef = { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' };

/** machined's API socket under a platform root (NODE.md). */
export function machineSocketPath(stateDir: string): string {
  return join(stateDir, 'system', 'run', 'machined', 'machine.sock');
}

export interface ApidOptions {
  /** The platform root (`/`, or `--state-dir` on the process platform). */
  stateDir: string;
  /** The node address apid listens on (and names itself by in `proxyfrom`). */
  address: string;
  signal: AbortSignal;
  logger: Logger;
  /** Listening port (default 50000; 0 picks one, for tests). */
  port?: number;
  /** The port of other nodes' apid when a `node` value has none (default 50000). */
  peerPort?: number;
  /** machined's socket (default under stateDir). */
  socketPath?: string;
}

export type ApidMode = 'waiting' | 'maintenance' | 'normal';

export interface Apid {
  mode(): ApidMode;
  /** Resolves with the bound port once apid serves in `mode` (or in any mode but waiting). */
  serving(mode?: Exclude<ApidMode, 'waiting'>, signal?: AbortSignal): Promise<number>;
  stop(): Promise<void>;
}

/** Starts apid's watches; it begins serving once machined has told it how. */
export function startApid(options: ApidOptions): Apid {
  const log = options.logger;
  const upstreams = new Upstreams(options.socketPath ?? machineSocketPath(options.stateDir), {
    peerPort: options.peerPort ?? ApidPort,
  });
  const listener = new ApidListener({
    address: options.address,
    port: options.port ?? ApidPort,
    upstreams,
    logger: log,
  });
  const stopping = new AbortController();
  const signal = AbortSignal.any([options.signal, stopping.signal]);
  let certificates: ApiTls | undefined;
  let maintenance = false;
  let maintenanceMaterial: ApiTls | undefined;
  let chain = Promise.resolve();

  const reconcile = async (): Promise<void> => {
    if (signal.aborted) return;
    if (maintenance) {
      maintenanceMaterial ??= await maintenanceTls(options.address);
      await listener.serve('maintenance', certificates ?? maintenanceMaterial);
    } else if (certificates !== undefined) {
      await listener.serve('normal', certificates);
    } else {
      // Out of maintenance without certificates: nobody may call unauthenticated any more.
      if (listener.mode === 'maintenance') await listener.stop();
      log.info('apid waiting for ApiCertificates (secrets/api) or maintenance mode from machined');
    }
  };
  const schedule = (): void => {
    chain = chain.then(reconcile).catch((err: unknown) => {
      log.error('apid cannot serve', { error: formatErrorChain(err) });
    });
  };

  const watchLog = log.child({ component: 'apid-watch' });
  void watchResource(upstreams.local, ApiCertificatesRef, {
    signal,
    logger: watchLog,
    onChange: (spec) => {
      certificates = apiTlsOf(spec);
      if (spec !== undefined && certificates === undefined) log.warn('ApiCertificates lacks acceptedCAs or server');
      schedule();
    },
  });
  void watchResource(upstreams.local, MachineStatusRef, {
    signal,
    logger: watchLog,
    onChange: (spec) => {
      const stage = typeof spec === 'object' && spec !== null ? (spec as { stage?: unknown }).stage : undefined;
      if ((stage === 'maintenance') === maintenance) return;
      maintenance = stage === 'maintenance';
      schedule();
    },
  });

  return {
    mode: () => listener.mode ?? 'waiting',
    serving: (mode, waitSignal) => listener.serving(mode, waitSignal),
    stop: async () => {
      stopping.abort();
      await chain;
      await listener.stop();
      upstreams.close();
    },
  };
}

/** Runs apid until `options.signal` aborts (the entry main.ts dispatches to). */
export async function runApid(options: ApidOptions): Promise<void> {
  const apid = startApid(options);
  await serveUntilAborted(apid, options.signal);
}
