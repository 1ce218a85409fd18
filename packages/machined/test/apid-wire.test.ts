// Hostile input on apid's port: junk messages, oversized messages, broken gRPC framing, malformed
// metadata and raw garbage. Each gets a gRPC error (or a closed connection), and apid keeps serving.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { connect as connectHttp2, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { connect as connectTls } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { mutualTlsChannelCredentials } from '@bronze/machinery';
import {
  apiCertificates,
  createPki,
  machineClient,
  startFakeMachined,
  startTestApid,
  type Pki,
} from './apid-fixtures.ts';

async function setup(
  t: TestContext,
): Promise<{ pki: Pki; port: number; identity: { ca: string; cert: string; key: string } }> {
  const pki = await createPki();
  const machined = await startFakeMachined(t, 'node-a');
  machined.publish('ApiCertificates.secrets.talos.dev', await apiCertificates(pki, { client: true }));
  const { port } = await startTestApid(t, machined);
  const admin = await pki.issue({ organizations: ['os:admin'] });
  return { pki, port, identity: { ca: pki.caPem, cert: admin.crt, key: admin.key } };
}

const raw = (b: Buffer): Buffer => b;

function rawCall(
  channel: Client,
  path: string,
  body: Buffer,
  metadata = new Metadata(),
): Promise<ServiceError | Buffer> {
  return new Promise((resolve) => {
    channel.makeUnaryRequest(path, raw, raw, body, metadata, {}, (err, value) => {
      resolve(err ?? value ?? Buffer.alloc(0));
    });
  });
}

async function stillServes(
  t: TestContext,
  port: number,
  identity: { ca: string; cert: string; key: string },
): Promise<void> {
  const { machine } = machineClient(t, port, identity);
  const reply = await machine.version({});
  assert.equal(reply.messages[0]?.metadata?.hostname, 'node-a');
}

test('junk and oversized messages get gRPC errors', async (t) => {
  const { port, identity } = await setup(t);
  const channel = new Client(`127.0.0.1:${port}`, mutualTlsChannelCredentials(identity), {
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': -1,
  });
  t.after(() => {
    channel.close();
  });
  const junk = await rawCall(
    channel,
    '/machine.MachineService/Version',
    Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
  );
  assert.ok(!Buffer.isBuffer(junk) && junk.code !== status.OK, 'junk is refused by machined, through apid');
  const big = await rawCall(channel, '/machine.MachineService/ApplyConfiguration', Buffer.alloc(33 * 1024 * 1024, 1));
  assert.ok(!Buffer.isBuffer(big));
  assert.equal(big.code, status.RESOURCE_EXHAUSTED);
  const unknown = await rawCall(channel, '/machine.NoSuchService/Version', Buffer.alloc(0));
  assert.ok(!Buffer.isBuffer(unknown));
  assert.equal(unknown.code, status.UNIMPLEMENTED);
  const badMetadata = new Metadata();
  badMetadata.add('node', 'a');
  badMetadata.add('nodes', 'b');
  const bad = await rawCall(channel, '/machine.MachineService/Version', Buffer.alloc(0), badMetadata);
  assert.ok(!Buffer.isBuffer(bad));
  assert.equal(bad.code, status.INVALID_ARGUMENT);
  await stillServes(t, port, identity);
});

interface RawReply {
  headers: IncomingHttpHeaders;
  trailers: IncomingHttpHeaders;
}

function h2Request(session: ClientHttp2Session, headers: Record<string, string>, body: Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let responseHeaders: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    stream.on('response', (h) => {
      responseHeaders = h;
    });
    stream.on('trailers', (h: IncomingHttpHeaders) => {
      trailers = h;
    });
    stream.on('data', () => undefined);
    stream.on('close', () => {
      resolve({ headers: responseHeaders, trailers });
    });
    stream.on('error', reject);
    stream.end(body);
  });
}

function grpcStatusOf(reply: RawReply): number {
  const value = reply.trailers['grpc-status'] ?? reply.headers['grpc-status'];
  return Number(value ?? -1);
}

test('broken gRPC framing and malformed headers on raw HTTP/2 get error statuses', async (t) => {
  const { port, identity } = await setup(t);
  const session = connectHttp2(`https://127.0.0.1:${port}`, {
    ...identity,
    servername: 'localhost',
    checkServerIdentity: () => undefined,
  });
  t.after(() => {
    session.close();
  });
  const path = { ':path': '/machine.MachineService/Version' };
  const frame = (length: number, payload: Buffer, flag = 0): Buffer => {
    const head = Buffer.alloc(5);
    head.writeUInt8(flag, 0);
    head.writeUInt32BE(length, 1);
    return Buffer.concat([head, payload]);
  };
  const cases: [string, Record<string, string>, Buffer][] = [
    ['a frame that claims 1 GiB', path, frame(1 << 30, Buffer.from('short'))],
    ['a truncated frame', path, frame(100, Buffer.from('short'))],
    ['a half header', path, Buffer.from([0, 0, 0])],
    ['a compressed frame without an encoding', path, frame(3, Buffer.from('abc'), 1)],
    ['an unknown encoding', { ...path, 'grpc-encoding': 'zz-unknown' }, frame(3, Buffer.from('abc'), 1)],
    ['a garbage timeout', { ...path, 'grpc-timeout': 'soon' }, frame(0, Buffer.alloc(0))],
    ['random bytes', path, randomBytes(4096)],
  ];
  for (const [name, headers, body] of cases) {
    const reply = await h2Request(session, headers, body);
    const code = grpcStatusOf(reply);
    assert.ok(code > 0, `${name}: expected an error status, got ${code}`);
  }
  await stillServes(t, port, identity);
});

test('raw garbage on the TLS port closes the connection and nothing else', async (t) => {
  const { port, identity } = await setup(t);
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => {
      const socket = connectTls({
        port,
        host: '127.0.0.1',
        ...identity,
        rejectUnauthorized: false,
        ALPNProtocols: ['h2'],
      });
      socket.on('secureConnect', () => {
        socket.write(randomBytes(64 * 1024));
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        resolve();
      });
      socket.on('data', () => undefined);
    });
  }
  await new Promise<void>((resolve) => {
    // Not even TLS: plain junk at the handshake.
    const socket = connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false });
    socket.on('error', () => {
      resolve();
    });
    socket.on('close', () => {
      resolve();
    });
  });
  await stillServes(t, port, identity);
});
