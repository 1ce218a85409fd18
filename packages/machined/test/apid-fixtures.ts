// Test fixtures for apid: an OS PKI, a fake machined (a small grpc-js server on a temporary unix
// socket that answers Version/Reboot/ApplyConfiguration/Logs/EtcdRecover and serves the resources apid
// watches), and clients that call apid over mutual TLS. Tests need no real machined.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EventEmitter, once } from 'node:events';
import { Metadata, ServerCredentials, type Client } from '@grpc/grpc-js';
import {
  addService,
  cosiStateApi,
  createApiServer,
  createClient,
  createSelfSignedCa,
  dial,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  listenApiServer,
  machineApi,
  mutualTlsChannelCredentials,
  stopApiServer,
  type CertificateAndKey,
  type ClientOf,
  type ExtKeyUsage,
  type TlsMaterial,
} from '@bronze/machinery';
import { nullLogger, sinkLogger } from '@bronze/runtime';
import { stringify } from 'yaml';
import type { TestContext } from 'node:test';
import { startApid, type Apid } from '../src/apid/run-apid.ts';
import { opensslKeyPem } from '../src/apid/api-tls.ts';

function opensslPair(pair: CertificateAndKey): { crt: string; key: string } {
  const { crt, key } = encodeCertificateAndKey(pair);
  return { crt, key: opensslKeyPem(key) };
}

export interface Pki {
  ca: CertificateAndKey;
  caPem: string;
  /** A certificate and key signed by the OS CA. */
  issue(options: {
    organizations?: string[];
    usage?: ExtKeyUsage[];
    ips?: string[];
    notAfter?: Date;
    now?: Date;
  }): Promise<{ crt: string; key: string }>;
}

export async function createPki(): Promise<Pki> {
  const ca = await createSelfSignedCa({ commonName: 'talos', organizations: ['talos'] });
  return {
    ca,
    caPem: ca.certificate.pem,
    issue: async (o) =>
      opensslPair(
        await issueCertificateAndKey(ca, {
          commonName: 'test',
          organizations: o.organizations ?? [],
          extKeyUsage: o.usage ?? ['clientAuth'],
          ipAddresses: o.ips ?? [],
          ...(o.notAfter === undefined ? {} : { notAfter: o.notAfter }),
          ...(o.now === undefined ? {} : { now: o.now }),
        }),
      ),
  };
}

/** What the fake machined saw of one call. */
export interface SeenCall {
  method: string;
  metadata: Metadata;
}

export interface FakeMachined {
  dir: string;
  socketPath: string;
  calls: SeenCall[];
  /** Logs streams that ended because their client went away. */
  abortedStreams: number;
  /** Logs streams currently open. */
  openStreams: number;
  /** Bytes received by EtcdRecover. */
  recovered: number;
  /** EtcdRecover uploads that ended because their client went away. */
  abortedUploads: number;
  /** Messages the `flood` Logs stream has produced. */
  produced: number;
  /** Publishes (or with undefined, destroys) a resource spec that apid may be watching. */
  publish(type: string, spec: unknown): void;
  rolesOf(call: SeenCall): string[];
}

const watchTypes = [
  'ApiCertificates.secrets.talos.dev',
  'MachineStatuses.runtime.talos.dev',
  'OSRootSecrets.secrets.talos.dev',
];

export async function startFakeMachined(t: TestContext, hostname: string): Promise<FakeMachined> {
  const dir = mkdtempSync(join(tmpdir(), 'bronze-apid-'));
  // Where apid looks by default (NODE.md), so a real apid process finds it from --state-dir.
  const socketPath = join(dir, 'system', 'run', 'machined', 'machine.sock');
  mkdirSync(dirname(socketPath), { recursive: true });
  const specs = new Map<string, unknown>();
  const changes = new EventEmitter();
  const server = createApiServer();
  const fake: FakeMachined = {
    dir,
    socketPath,
    calls: [],
    abortedStreams: 0,
    openStreams: 0,
    recovered: 0,
    produced: 0,
    abortedUploads: 0,
    publish: (type, spec) => {
      specs.set(type, spec);
      changes.emit('change', type);
    },
    rolesOf: (call) => call.metadata.get('talos-role').map(String),
  };
  const seen = (method: string, metadata: Metadata): void => {
    fake.calls.push({ method, metadata });
    if (fake.calls.length > 1000) fake.calls.shift();
  };
  const meta = { hostname };
  addService(server, {
    service: machineApi.MachineService,
    handlers: {
      version: (_req, ctx) => {
        seen('Version', ctx.metadata);
        return { messages: [{ metadata: meta, version: { tag: 'v-test', os: hostname } }] };
      },
      reboot: (_req, ctx) => {
        seen('Reboot', ctx.metadata);
        return { messages: [{ metadata: meta, actorId: 'actor' }] };
      },
      applyConfiguration: (req, ctx) => {
        seen('ApplyConfiguration', ctx.metadata);
        return { messages: [{ metadata: meta, modeDetails: `got ${req.data.length} bytes` }] };
      },
      logs: async function* (req, ctx) {
        seen('Logs', ctx.metadata);
        fake.openStreams++;
        if (req.id === 'flood') {
          // As fast as the stream takes them: how far ahead of a slow client does machined get?
          const line = Buffer.alloc(1024, 0x61);
          try {
            for (;;) {
              fake.produced++;
              yield { bytes: line };
            }
          } finally {
            fake.openStreams--;
            if (ctx.signal.aborted) fake.abortedStreams++;
          }
        }
        try {
          for (let i = 0; !ctx.signal.aborted; i++) {
            yield { bytes: Buffer.from(`${req.id} line ${i}\n`) };
            if (!req.follow && i >= 2) return;
            await new Promise((r) => setTimeout(r, 5));
          }
        } finally {
          fake.openStreams--;
          if (ctx.signal.aborted) fake.abortedStreams++;
        }
      },
      etcdRecover: async (requests, ctx) => {
        seen('EtcdRecover', ctx.metadata);
        for await (const chunk of requests) fake.recovered += chunk.bytes.length;
        // grpc-js ends the request stream of a reset call just before it reports the cancellation:
        // a careful handler lets that settle before it trusts the upload.
        await new Promise((r) => setTimeout(r, 100));
        if (ctx.signal.aborted) {
          fake.abortedUploads++;
          throw new Error('upload cancelled');
        }
        return { messages: [{ metadata: meta }] };
      },
    },
  });
  addService(server, {
    service: cosiStateApi.State,
    handlers: {
      watch: async function* (req, ctx) {
        if (!watchTypes.includes(req.type)) throw new Error(`unexpected watch of ${req.type}`);
        const event = () => {
          const spec = specs.get(req.type);
          if (spec === undefined) return undefined;
          const metadata = {
            namespace: req.namespace,
            type: req.type,
            id: req.id ?? '',
            version: '1',
            phase: 'running',
          };
          return {
            eventType: cosiStateApi.EventType.UPDATED,
            resource: { metadata, spec: { yamlSpec: stringify(spec) } },
          };
        };
        const first = event();
        if (first !== undefined) yield { event: [first] };
        yield { event: [{ eventType: cosiStateApi.EventType.BOOTSTRAPPED }] };
        for (;;) {
          const [type] = (await once(changes, 'change', { signal: ctx.signal })) as [string];
          if (type !== req.type) continue;
          const next = event();
          yield { event: [next ?? { eventType: cosiStateApi.EventType.DESTROYED }] };
        }
      },
    },
  });
  await listenApiServer(server, { address: `unix:${socketPath}`, credentials: ServerCredentials.createInsecure() });
  t.after(async () => {
    await stopApiServer(server, { graceMs: 200 });
    rmSync(dir, { recursive: true, force: true });
  });
  return fake;
}

/** The ApiCertificates spec machined publishes, as YAML-ready data. */
export async function apiCertificates(
  pki: Pki,
  options: { client: boolean; ips?: string[] },
): Promise<{
  acceptedCAs: { crt: string }[];
  server: { crt: string; key: string };
  client?: { crt: string; key: string };
}> {
  const server = await pki.issue({ usage: ['serverAuth'], ips: ['127.0.0.1', ...(options.ips ?? [])] });
  const spec = { acceptedCAs: [{ crt: pki.caPem }], server };
  if (!options.client) return spec;
  return { ...spec, client: await pki.issue({ organizations: ['os:impersonator'] }) };
}

/** An apid on 127.0.0.1 (ephemeral port) in front of `machined`, stopped after the test. */
export async function startTestApid(
  t: TestContext,
  machined: FakeMachined,
  options: { peerPort?: number } = {},
): Promise<{ apid: Apid; port: number }> {
  const controller = new AbortController();
  const apid = startApid({
    stateDir: machined.dir,
    socketPath: machined.socketPath,
    address: '127.0.0.1',
    port: 0,
    signal: controller.signal,
    logger: process.env['APID_DEBUG']
      ? sinkLogger((e) => {
          process.stderr.write(JSON.stringify(e) + '\n');
        })
      : nullLogger,
    ...(options.peerPort === undefined ? {} : { peerPort: options.peerPort }),
  });
  t.after(async () => {
    controller.abort();
    await apid.stop();
  });
  const port = await apid.serving(undefined, AbortSignal.timeout(10_000));
  return { apid, port };
}

/** A MachineService client of apid at `port`, presenting `identity`. */
export function machineClient(
  t: TestContext,
  port: number,
  identity: TlsMaterial,
): { machine: ClientOf<typeof machineApi.MachineService>; channel: Client } {
  const channel = dial(`127.0.0.1:${port}`, {
    credentials: mutualTlsChannelCredentials(identity),
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 100 },
  });
  t.after(() => {
    channel.close();
  });
  return { machine: createClient(machineApi.MachineService, channel), channel };
}

/** Metadata from pairs. */
export function md(...pairs: [string, string][]): Metadata {
  const m = new Metadata();
  for (const [k, v] of pairs) m.add(k, v);
  return m;
}
