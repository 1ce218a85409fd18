// Calls through the typed client against a real server with mutual TLS: unary and streaming
// replies, status mapping, cancellation, message limits and undecodable bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, ServerCredentials } from '@grpc/grpc-js';
import { createApiServer, listenApiServer, stopApiServer } from '../src/api/api-server.ts';
import { callRouteOf, nodeMetadata } from '../src/api/routing-metadata.ts';
import { dial, type ClientOf } from '../src/api/service-client.ts';
import { addService, type HandlersOf } from '../src/api/service-handlers.ts';
import { MachineService } from '../src/api/gen/machine/machine_pb.ts';
import {
  admin,
  ca,
  clientCredentials,
  expectApiError,
  machineClient,
  NotFoundError,
  soon,
  startServer,
} from './api-fixture.ts';

test('unary call: typed request and reply, peer roles and node metadata reach the handler', async (t) => {
  const seen: { organizations?: string[] | undefined; route?: ReturnType<typeof callRouteOf> } = {};
  const target = await startServer(t, (server) => {
    addService(server, {
      service: MachineService,
      handlers: {
        version: (_req, ctx) => {
          seen.organizations = ctx.peer?.organizations;
          seen.route = callRouteOf(ctx.metadata);
          return { messages: [{ metadata: { hostname: 'node-1' }, version: { tag: 'v0.1.0', arch: 'amd64' } }] };
        },
      },
    });
  });
  const client = machineClient(t, target, clientCredentials(ca, admin));
  const reply = await client.version({}, { metadata: nodeMetadata('10.5.0.3'), deadline: soon() });
  const [first] = reply.messages;
  assert.ok(first);
  assert.equal(first.version?.tag, 'v0.1.0');
  assert.equal(first.metadata?.hostname, 'node-1');
  assert.deepEqual(seen.organizations, ['os:admin', 'os:reader']);
  assert.deepEqual(seen.route, { kind: 'node', node: '10.5.0.3' });
});

test('server stream: Logs-style common.Data chunks arrive in order', async (t) => {
  const target = await startServer(t, (server) => {
    addService(server, {
      service: MachineService,
      handlers: {
        logs: async function* (req) {
          for (let i = 0; i < req.tailLines; i++) yield { bytes: Buffer.from(`${req.id} line ${i}\n`) };
          await Promise.resolve();
        },
      },
    });
  });
  const client = machineClient(t, target, clientCredentials(ca, admin));
  const lines: string[] = [];
  for await (const data of client.logs({ id: 'apid', tailLines: 3 }, { deadline: soon() })) {
    lines.push(Buffer.from(data.bytes).toString());
  }
  assert.deepEqual(lines, ['apid line 0\n', 'apid line 1\n', 'apid line 2\n']);
});

test('domain errors become status codes and come back as ApiError codes', async (t) => {
  const target = await startServer(t, (server) => {
    addService(server, {
      service: MachineService,
      handlers: {
        serviceStart: (req) => {
          throw new NotFoundError(`service ${JSON.stringify(req.id)} is not registered; list them with osctl services`);
        },
        logs: () => {
          throw new NotFoundError('no log for "nope"');
        },
      },
    });
  });
  const client = machineClient(t, target, clientCredentials(ca, admin));
  const err = await expectApiError(client.serviceStart({ id: 'nope' }, { deadline: soon() }), 'not-found');
  assert.match(err.message, /^\/machine\.MachineService\/ServiceStart: service "nope" is not registered/);
  const streamed = (async () => {
    for await (const _ of client.logs({ id: 'nope' }, { deadline: soon() })) assert.fail('no data expected');
  })();
  await expectApiError(streamed, 'not-found');
  await expectApiError(client.reboot({}, { deadline: soon() }), 'unimplemented');
});

test('a client that stops reading a stream cancels it on the server', async (t) => {
  let released: (aborted: boolean) => void = () => undefined;
  const cleanedUp = new Promise<boolean>((resolve) => (released = resolve));
  const target = await startServer(t, (server) => {
    addService(server, {
      service: MachineService,
      handlers: {
        logs: async function* (_req, ctx) {
          try {
            for (let i = 0; ; i++) {
              yield { bytes: Buffer.from(`line ${i}\n`) };
              await sleep(5, undefined, { signal: ctx.signal });
            }
          } finally {
            released(ctx.signal.aborted);
          }
        },
      },
    });
  });
  const client = machineClient(t, target, clientCredentials(ca, admin));
  let n = 0;
  for await (const _ of client.logs({ follow: true })) if (++n === 3) break;
  assert.equal(await cleanedUp, true);

  const controller = new AbortController();
  const reason = new Error('user pressed ctrl-c');
  const read = (async () => {
    for await (const _ of client.logs({ follow: true }, { signal: controller.signal })) controller.abort(reason);
  })();
  await assert.rejects(read, (e) => e === reason);
});

test('oversized requests and undecodable bytes get status codes, and the server keeps serving', async (t) => {
  let applied = 0;
  const target = await startServer(t, (server) => {
    addService(server, {
      service: MachineService,
      handlers: {
        applyConfiguration: (req) => {
          applied += req.data.length;
          return { messages: [{}] };
        },
        version: () => ({ messages: [{}] }),
      },
    });
  });
  const client = machineClient(t, target, clientCredentials(ca, admin), {
    channelOptions: { 'grpc.max_send_message_length': 64 * 1024 * 1024 },
  });
  const big = new Uint8Array(33 * 1024 * 1024);
  await expectApiError(client.applyConfiguration({ data: big }, { deadline: soon() }), 'resource-exhausted');
  const tenMiB = new Uint8Array(10 * 1024 * 1024).fill(7);
  await client.applyConfiguration({ data: tenMiB }, { deadline: soon() });
  assert.equal(applied, tenMiB.length);

  const channel = dial(target, { credentials: clientCredentials(ca, admin) });
  t.after(() => {
    channel.close();
  });
  const garbage = await new Promise<unknown>((resolve) => {
    channel.makeUnaryRequest(
      '/machine.MachineService/ApplyConfiguration',
      () => Buffer.from([0x0a, 0x10, 0x01]),
      (b: Buffer) => b,
      {},
      new Metadata(),
      { deadline: soon() },
      (err) => {
        resolve(err);
      },
    );
  });
  assert.ok(garbage !== null && typeof garbage === 'object' && 'code' in garbage);
  assert.notEqual(garbage.code, 0);
  await client.version({}, { deadline: soon() });
});

test('handlers and clients can be typed apart from the call that registers them', async (t) => {
  const handlers: HandlersOf<typeof MachineService> = {
    hostname: () => ({ messages: [{ hostname: 'node-1' }] }),
  };
  const target = await startServer(t, (server) => {
    addService(server, { service: MachineService, handlers });
  });
  const client: ClientOf<typeof MachineService> = machineClient(t, target, clientCredentials(ca, admin));
  const reply = await client.hostname({}, { deadline: soon() });
  assert.deepEqual(
    reply.messages.map((m) => m.hostname),
    ['node-1'],
  );
});

test('over a unix socket without TLS (apid to machined), handlers see no peer certificate', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-api-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = createApiServer();
  let peer: unknown = 'unset';
  addService(server, {
    service: MachineService,
    handlers: {
      hostname: (_req, ctx) => {
        peer = ctx.peer;
        return { messages: [{ hostname: 'node-1' }] };
      },
    },
  });
  const address = `unix:${join(dir, 'machined.sock')}`;
  await listenApiServer(server, { address, credentials: ServerCredentials.createInsecure() });
  t.after(() => stopApiServer(server, { graceMs: 200 }));
  const client = machineClient(t, address, credentials.createInsecure());
  const reply = await client.hostname({}, { deadline: soon() });
  assert.equal(reply.messages[0]?.hostname, 'node-1');
  assert.equal(peer, undefined);
});
