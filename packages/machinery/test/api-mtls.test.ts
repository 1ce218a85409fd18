// Mutual TLS of the API against a real server: who may connect, who the handler sees, renewal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { createApiServer, listenApiServer, stopApiServer } from '../src/api/api-server.ts';
import { mutualTlsChannelCredentials, mutualTlsServerCredentials } from '../src/api/mutual-tls.ts';
import { addService } from '../src/api/service-handlers.ts';
import { MachineService } from '../src/api/gen/machine/machine_pb.ts';
import {
  admin,
  ca,
  clientCredentials,
  expectApiError,
  machineClient,
  nextText,
  otherCa,
  serverLeaf,
  soon,
  stranger,
  versionServer,
} from './api-fixture.ts';
import { issueTestCertificate } from './test-certs.ts';

test('a client that trusts another CA cannot connect (unavailable)', async (t) => {
  const target = await versionServer(t);
  const client = machineClient(t, target, clientCredentials(otherCa, admin));
  await expectApiError(client.version({}, { deadline: soon() }), 'unavailable');
});

test('a client without a certificate is refused', async (t) => {
  const target = await versionServer(t);
  const client = machineClient(t, target, credentials.createSsl(Buffer.from(ca.pem)));
  await expectApiError(client.version({}, { deadline: soon() }), 'unavailable');
});

test('a client certificate signed by another CA is refused', async (t) => {
  const target = await versionServer(t);
  const client = machineClient(t, target, clientCredentials(ca, stranger));
  await expectApiError(client.version({}, { deadline: soon() }), 'unavailable');
});

test('an expired client certificate, or a server certificate used as a client one, is refused', async (t) => {
  const target = await versionServer(t);
  const expired = await issueTestCertificate(ca, {
    commonName: 'old',
    organizations: ['os:admin'],
    usage: 'client',
    expired: true,
  });
  const client = machineClient(t, target, clientCredentials(ca, expired));
  // The same certificate, valid, is accepted everywhere else in this file: only its dates differ.
  await expectApiError(client.version({}, { deadline: soon() }), 'unavailable');
  const serverAsClient = machineClient(t, target, clientCredentials(ca, serverLeaf));
  await expectApiError(serverAsClient.version({}, { deadline: soon() }), 'unavailable');
});

test('new server certificates apply to new connections while open streams continue', async (t) => {
  const server = createApiServer();
  let tick: () => void = () => undefined;
  addService(server, {
    service: MachineService,
    handlers: {
      version: () => ({ messages: [{}] }),
      logs: async function* (_req, ctx) {
        for (let i = 0; ; i++) {
          yield { bytes: Buffer.from(`line ${i}\n`) };
          await new Promise<void>((resolve, reject) => {
            tick = resolve;
            ctx.signal.addEventListener('abort', () => {
              reject(ctx.signal.reason as Error);
            });
          });
        }
      },
    },
  });
  const serverCredentials = mutualTlsServerCredentials({ ca: ca.pem, cert: serverLeaf.cert, key: serverLeaf.key });
  const port = await listenApiServer(server, { address: '127.0.0.1:0', credentials: serverCredentials });
  t.after(() => stopApiServer(server, { graceMs: 200 }));
  const target = `127.0.0.1:${port}`;

  const before = machineClient(t, target, clientCredentials(ca, admin));
  const stream = before.logs({ follow: true })[Symbol.asyncIterator]();
  assert.equal(await nextText(stream), 'line 0\n');

  const renewed = await issueTestCertificate(otherCa, { commonName: 'node-1', usage: 'server' });
  serverCredentials.update({ ca: ca.pem, cert: renewed.cert, key: renewed.key });
  const trustsOnlyOld = machineClient(t, target, clientCredentials(ca, admin));
  await expectApiError(trustsOnlyOld.version({}, { deadline: soon() }), 'unavailable');
  const trustsNew = machineClient(
    t,
    target,
    mutualTlsChannelCredentials({ ca: otherCa.pem, cert: admin.cert, key: admin.key }),
  );
  await trustsNew.version({}, { deadline: soon() });

  tick();
  assert.equal(await nextText(stream), 'line 1\n');
  await stream.return?.();
});
