// Shared set-up of the API integration tests: an Ed25519 CA with server and client certificates,
// a grpc-js server on 127.0.0.1 with mutual TLS, and typed MachineService clients, all closed in t.after.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { ChannelCredentials, Server } from '@grpc/grpc-js';
import { isApiError, type ApiError } from '../src/api/api-error.ts';
import { createApiServer, listenApiServer, stopApiServer } from '../src/api/api-server.ts';
import { mutualTlsChannelCredentials, mutualTlsServerCredentials } from '../src/api/mutual-tls.ts';
import { dial, createClient, type DialOptions } from '../src/api/service-client.ts';
import { addService } from '../src/api/service-handlers.ts';
import { MachineService } from '../src/api/gen/machine/machine_pb.ts';
import { createTestCa, issueTestCertificate, type TestCa, type TestLeaf } from './test-certs.ts';

export const ca = await createTestCa('bronze test os ca');
export const otherCa = await createTestCa('some other ca');
export const serverLeaf = await issueTestCertificate(ca, { commonName: 'node-1', usage: 'server' });
export const admin = await issueTestCertificate(ca, {
  commonName: 'admin',
  organizations: ['os:admin', 'os:reader'],
  usage: 'client',
});
export const stranger = await issueTestCertificate(otherCa, {
  commonName: 'mallory',
  organizations: ['os:admin'],
  usage: 'client',
});

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError' as const;
}

/** A mutual-TLS server on 127.0.0.1 with the services `register` adds; stopped when the test ends. */
export async function startServer(t: TestContext, register: (server: Server) => void): Promise<string> {
  const server = createApiServer();
  register(server);
  const port = await listenApiServer(server, {
    address: '127.0.0.1:0',
    credentials: mutualTlsServerCredentials({ ca: ca.pem, cert: serverLeaf.cert, key: serverLeaf.key }),
  });
  t.after(() => stopApiServer(server, { graceMs: 200 }));
  return `127.0.0.1:${port}`;
}

export function machineClient(
  t: TestContext,
  target: string,
  creds: ChannelCredentials,
  options?: Partial<DialOptions>,
) {
  const channel = dial(target, { credentials: creds, ...options });
  t.after(() => {
    channel.close();
  });
  return createClient(MachineService, channel);
}

export function clientCredentials(trust: TestCa, leaf: TestLeaf): ChannelCredentials {
  return mutualTlsChannelCredentials({ ca: trust.pem, cert: leaf.cert, key: leaf.key });
}

export const soon = (): Date => new Date(Date.now() + 5000);

export async function nextText(stream: AsyncIterator<{ bytes: Uint8Array }>): Promise<string> {
  const r = await stream.next();
  assert.ok(r.done !== true, 'the stream ended early');
  return Buffer.from(r.value.bytes).toString();
}

export async function expectApiError(promise: Promise<unknown>, code: ApiError['code']): Promise<ApiError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isApiError(err), `want an ApiError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

export function versionServer(t: TestContext): Promise<string> {
  return startServer(t, (server) => {
    addService(server, {
      service: MachineService,
      handlers: { version: () => ({ messages: [{ version: { tag: 'v0.1.0' } }] }) },
    });
  });
}
