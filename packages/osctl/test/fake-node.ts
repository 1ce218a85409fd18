// A fake node for the online commands' tests: a grpc-js server with mutual TLS (certificates from
// machinery's PKI) serving the handlers a test gives, a talosconfig pointing at it, and an Io that
// captures output. Every handler sees the `node` metadata so one server plays many nodes.
import type { TestContext } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MutualTlsServerCredentials,
  addService,
  cosiStateApi,
  createApiServer,
  createSelfSignedCa,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  listenApiServer,
  machineApi,
  parsePrivateKeyPem,
  saveClientConfig,
  stopApiServer,
  type HandlersOf,
} from '@bronze/machinery';
import type { NodeIo } from '../src/commands/node-command.ts';
import { runCli } from '../src/cli.ts';

const ca = await createSelfSignedCa({ commonName: 'bronze test os ca' });
const caPem = ca.certificate.pem;
const server = encodeCertificateAndKey(
  await issueCertificateAndKey(ca, { commonName: 'node', ipAddresses: ['127.0.0.1'], extKeyUsage: ['serverAuth'] }),
);
const client = encodeCertificateAndKey(
  await issueCertificateAndKey(ca, { commonName: 'admin', organizations: ['os:admin'], extKeyUsage: ['clientAuth'] }),
);

export interface FakeNode {
  address: string;
  /** A talosconfig whose context "test" points at the fake node. */
  talosconfig: string;
  dir: string;
}

export interface FakeHandlers {
  machine?: HandlersOf<typeof machineApi.MachineService>;
  state?: HandlersOf<typeof cosiStateApi.State>;
}

/** The node a call is addressed to by `node` metadata ("self" without it). */
export function nodeOf(ctx: { metadata: { get(key: string): unknown[] } }): string {
  const [v] = ctx.metadata.get('node');
  return typeof v === 'string' ? v : 'self';
}

export async function startFakeNode(
  t: TestContext,
  handlers: FakeHandlers,
  nodes: string[] = [],
  options: { maintenance?: boolean } = {},
): Promise<FakeNode> {
  const grpc = createApiServer();
  if (handlers.machine) addService(grpc, { service: machineApi.MachineService, handlers: handlers.machine });
  if (handlers.state) addService(grpc, { service: cosiStateApi.State, handlers: handlers.state });
  const port = await listenApiServer(grpc, {
    address: '127.0.0.1:0',
    credentials: new MutualTlsServerCredentials(
      {
        ca: caPem,
        cert: server.crt,
        key: parsePrivateKeyPem(server.key).privateKey.export({ format: 'pem', type: 'pkcs8' }),
      },
      { requireClientCertificate: options.maintenance !== true },
    ),
  });
  t.after(() => stopApiServer(grpc, { graceMs: 100 }));
  const dir = await mkdtemp(join(tmpdir(), 'bronze-osctl-node-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const talosconfig = join(dir, 'talosconfig');
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  await saveClientConfig(talosconfig, {
    context: 'test',
    contexts: {
      test: {
        endpoints: [`127.0.0.1:${String(port)}`],
        nodes,
        ca: b64(caPem),
        crt: b64(client.crt),
        key: b64(client.key),
      },
    },
  });
  return { address: `127.0.0.1:${String(port)}`, talosconfig, dir };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs osctl with the fake node's talosconfig; `now` is fixed so ages print the same every time. */
export async function osctl(
  node: FakeNode,
  args: string[],
  options: {
    signal?: AbortSignal;
    now?: Date;
    write?: (bytes: Uint8Array) => void;
    /** Extra environment variables (EDITOR for edit). */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: NodeIo = {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    env: { ...options.env, HOME: node.dir },
    cwd: node.dir,
    now: () => options.now ?? new Date('2026-01-01T00:10:00Z'),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.write ? { write: options.write } : {}),
  };
  const code = await runCli(['--talosconfig', node.talosconfig, ...args], io);
  return { code, stdout, stderr };
}
