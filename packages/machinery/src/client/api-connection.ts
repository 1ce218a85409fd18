// One connection to the machine API: the endpoints are tried in turn (starting from a rotating
// one, so clients spread over the control plane) until one completes the mutual-TLS handshake;
// every call of the command then goes over that channel, addressed to nodes by metadata.
import { ChannelCredentials, connectivityState, type Client } from '@grpc/grpc-js';
import { createSecureContext } from 'node:tls';
import { MachineService } from '../api/gen/machine/machine_pb.ts';
import { State } from '../api/gen/cosi/state_pb.ts';
import { mutualTlsChannelCredentials } from '../api/mutual-tls.ts';
import { createClient, dial, type ClientOf } from '../api/service-client.ts';
import type { ClientTlsMaterial } from './client-target.ts';
import { pinnedChannelCredentials } from './cert-pin.ts';
import { ConnectionError, type EndpointFailure } from './connection-error.ts';
import { diagnoseEndpoint } from './diagnose.ts';
import type { Endpoint } from './endpoints.ts';

export interface ConnectOptions {
  /** The talosconfig context, named in error messages. */
  contextName?: string;
  /**
   * Maintenance mode: TLS without a client certificate and without checking the server's
   * certificate (the node has no CA yet). Only ApplyConfiguration and reads are possible there.
   */
  insecure?: boolean;
  /** With insecure: SHA-256 fingerprints of the server certificates to accept (cert-pin.ts). */
  certFingerprints?: readonly string[];
  /** Index of the endpoint to try first (default: a random one, for round-robin over clients). */
  firstEndpoint?: number;
  /** How long one endpoint may take to connect (default 10 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ApiConnection {
  /** The endpoint the channel is connected to. */
  readonly endpoint: Endpoint;
  readonly channel: Client;
  readonly machine: ClientOf<typeof MachineService>;
  readonly state: ClientOf<typeof State>;
  close(): void;
}

/** TLS 1.3 that presents no client certificate and accepts any server: maintenance mode only. */
export function insecureChannelCredentials(): ChannelCredentials {
  return ChannelCredentials.createFromSecureContext(createSecureContext({ minVersion: 'TLSv1.3' }), {
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
}

type Readiness = 'ready' | 'failed' | 'timeout';

function waitReady(channel: Client, timeoutMs: number, signal: AbortSignal | undefined): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  const ch = channel.getChannel();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      channel.close();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (r: Readiness): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const check = (): void => {
      const s = ch.getConnectivityState(true);
      if (s === connectivityState.READY) {
        settle('ready');
        return;
      }
      if (s === connectivityState.TRANSIENT_FAILURE || s === connectivityState.SHUTDOWN) {
        settle('failed');
        return;
      }
      ch.watchConnectivityState(s, deadline, (err) => {
        if (err === undefined) check();
        else settle('timeout');
      });
    };
    check();
  });
}

function describeAll(failures: readonly EndpointFailure[]): string {
  if (failures.length === 1) return failures[0]?.reason ?? '';
  return `no endpoint could be reached:\n${failures.map((f) => `  ${f.endpoint}: ${f.reason}`).join('\n')}`;
}

/**
 * Connects to the first endpoint that works. Fails with a ConnectionError that says, per endpoint,
 * what went wrong (nothing listening, foreign CA, expired certificate, ...).
 */
export async function connectApi(
  endpoints: readonly Endpoint[],
  tls: Partial<ClientTlsMaterial>,
  options: ConnectOptions = {},
): Promise<ApiConnection> {
  if (endpoints.length === 0) throw new ConnectionError('no endpoints to connect to: pass -e/--endpoints');
  const insecure = options.insecure === true;
  const credentials = insecure
    ? insecureChannelCredentials()
    : mutualTlsChannelCredentials({ ca: tls.ca ?? '', cert: tls.cert ?? '', key: tls.key ?? '' });
  const first = options.firstEndpoint ?? Math.floor(Math.random() * endpoints.length);
  const failures: EndpointFailure[] = [];
  for (let i = 0; i < endpoints.length; i++) {
    options.signal?.throwIfAborted();
    const endpoint = endpoints[(first + i) % endpoints.length];
    if (endpoint === undefined) continue;
    const pins = insecure ? (options.certFingerprints ?? []) : [];
    let pinned: ChannelCredentials | undefined;
    if (pins.length > 0) {
      try {
        pinned = await pinnedChannelCredentials(endpoint, {
          fingerprints: pins,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      } catch (err) {
        options.signal?.throwIfAborted();
        failures.push({ endpoint: endpoint.address, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
    }
    const channel = dial(endpoint.address, { credentials: pinned ?? credentials });
    const readiness = await waitReady(channel, options.connectTimeoutMs ?? 10_000, options.signal);
    if (readiness === 'ready') {
      return {
        endpoint,
        channel,
        machine: createClient(MachineService, channel),
        state: createClient(State, channel),
        close: () => {
          channel.close();
        },
      };
    }
    channel.close();
    options.signal?.throwIfAborted();
    const reason =
      readiness === 'timeout'
        ? `no connection within ${String(options.connectTimeoutMs ?? 10_000)} ms: check the address and the network path`
        : await diagnoseEndpoint(endpoint, {
            ...tls,
            verifyServer: !insecure,
            ...(options.contextName === undefined ? {} : { contextName: options.contextName }),
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          });
    failures.push({ endpoint: endpoint.address, reason: reason ?? 'the connection failed, then worked on a retry' });
  }
  throw new ConnectionError(describeAll(failures), { attempts: failures });
}
