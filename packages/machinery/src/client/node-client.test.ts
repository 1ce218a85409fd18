import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { MachineService } from '../api/gen/machine/machine_pb.ts';
import { addService } from '../api/service-handlers.ts';
import { createApiServer, listenApiServer, stopApiServer } from '../api/api-server.ts';
import { mutualTlsServerCredentials } from '../api/mutual-tls.ts';
import { ApiError, isApiError } from '../api/api-error.ts';
import { ca, otherCa, admin, stranger, startServer } from '../../test/api-fixture.ts';
import { issueTestCertificate } from '../../test/test-certs.ts';
import { connectApi } from './api-connection.ts';
import { isConnectionError } from './connection-error.ts';
import { parseEndpoint } from './endpoints.ts';
import { nodeClientOf, openNodeClient } from './node-client.ts';
import { replyMessages } from './fan-out.ts';
import type { TestContext } from 'node:test';

const tls = { ca: ca.pem, cert: admin.cert, key: admin.key };

function nodeOf(md: { get(key: string): unknown[] }): string {
  const [v] = md.get('node');
  return typeof v === 'string' ? v : 'local';
}

async function fakeNode(t: TestContext): Promise<string> {
  return startServer(t, (server) => {
    addService(server, {
      service: MachineService,
      handlers: {
        version: (_req, ctx) => {
          const node = nodeOf(ctx.metadata);
          if (node === 'bad') throw new ApiError('unavailable', 'connection refused to bad:50000');
          if (node === 'slow') return new Promise(() => undefined);
          if (node === 'soft') return { messages: [{ metadata: { hostname: node, error: 'machined is down' } }] };
          return { messages: [{ metadata: { hostname: node }, version: { tag: `v1-${node}` } }] };
        },
        async *logs(req, ctx) {
          const node = nodeOf(ctx.metadata);
          if (node === 'bad') throw new ApiError('not-found', `service ${req.id} is unknown`);
          for (let i = 0; i < 3; i++) yield { bytes: Buffer.from(`${node} line ${String(i)}\n`) };
          if (req.follow) {
            await new Promise((resolve) => {
              ctx.signal.addEventListener('abort', resolve, { once: true });
            });
          }
        },
      },
    });
  });
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

test('fan-out reports one failing node and still answers for the others', async (t) => {
  const target = await fakeNode(t);
  const conn = await connectApi([parseEndpoint(target)], tls);
  const client = nodeClientOf(conn, ['n1', 'bad', 'n2', 'soft']);
  t.after(() => {
    client.close();
  });
  const results = replyMessages(await client.each((options) => client.machine.version({}, options)));
  assert.deepEqual(
    results.map((r) => (r.ok ? `${r.node}=${r.value.version?.tag ?? ''}` : `${r.node}!${r.error.message}`)),
    [
      'n1=v1-n1',
      'bad!/machine.MachineService/Version: connection refused to bad:50000',
      'n2=v1-n2',
      'soft!machined is down',
    ],
  );
  const bad = results[1];
  assert.ok(bad !== undefined && !bad.ok && isApiError(bad.error, 'unavailable'));
});

test('without nodes the call goes to the endpoint itself, named by its host', async (t) => {
  const target = await fakeNode(t);
  const conn = await connectApi([parseEndpoint(target)], tls);
  const client = nodeClientOf(conn, []);
  t.after(() => {
    client.close();
  });
  const [r] = await client.each((options) => client.machine.version({}, options));
  assert.ok(r?.ok === true);
  assert.equal(r.node, '127.0.0.1');
  assert.equal(r.value.messages[0]?.version?.tag, 'v1-local');
});

test('an endpoint with nothing listening fails over to the next one', async (t) => {
  const target = await fakeNode(t);
  const dead = `127.0.0.1:${String(await closedPort())}`;
  const client = await openNodeClient(
    { contextName: 'test', endpoints: [parseEndpoint(dead), parseEndpoint(target)], nodes: ['n1'], tls },
    { firstEndpoint: 0 },
  );
  t.after(() => {
    client.close();
  });
  assert.equal(client.connection.endpoint.address, target);
});

test('connection failures say which endpoint and what to check', async (t) => {
  const target = await fakeNode(t);
  const dead = `127.0.0.1:${String(await closedPort())}`;
  const fail = async (endpoints: string[], material: typeof tls): Promise<string> => {
    const err: unknown = await connectApi(endpoints.map(parseEndpoint), material, {
      contextName: 'prod',
      firstEndpoint: 0,
    }).then(
      (c) => {
        c.close();
        return new Error('connected');
      },
      (e: unknown) => e,
    );
    assert.ok(isConnectionError(err), String(err));
    return err.message;
  };
  assert.match(await fail([dead], tls), new RegExp(`nothing is listening on ${dead}`));
  assert.match(
    await fail([target], { ...tls, ca: otherCa.pem }),
    /server certificate of 127\.0\.0\.1:\d+ is not signed by the CA of talosconfig context "prod"/,
  );
  assert.match(
    await fail([target], { ca: ca.pem, cert: stranger.cert, key: stranger.key }),
    /does not accept the client certificate of talosconfig context "prod"/,
  );
  const expired = await issueTestCertificate(ca, {
    commonName: 'old',
    organizations: ['os:admin'],
    usage: 'client',
    expired: true,
  });
  assert.match(
    await fail([target], { ca: ca.pem, ...expired }),
    /client certificate of talosconfig context "prod" expired on/,
  );
  const both = await fail([dead, target], { ...tls, ca: otherCa.pem });
  assert.match(both, /^no endpoint could be reached:\n {2}127\.0\.0\.1:\d+: nothing is listening/);
});

test('streams of all nodes merge, tagged with their node, with per-node errors', async (t) => {
  const target = await fakeNode(t);
  const client = nodeClientOf(await connectApi([parseEndpoint(target)], tls), ['a', 'bad', 'b']);
  t.after(() => {
    client.close();
  });
  const lines: string[] = [];
  for await (const item of client.stream((o) => client.machine.logs({ id: 'kubelet' }, o))) {
    lines.push(item.ok ? Buffer.from(item.value.bytes).toString().trim() : `${item.node}: ${item.error.message}`);
  }
  assert.deepEqual(
    lines.filter((l) => l.startsWith('a ')),
    ['a line 0', 'a line 1', 'a line 2'],
  );
  assert.deepEqual(
    lines.filter((l) => l.startsWith('b ')),
    ['b line 0', 'b line 1', 'b line 2'],
  );
  assert.deepEqual(
    lines.filter((l) => l.startsWith('bad')),
    ['bad: /machine.MachineService/Logs: service kubelet is unknown'],
  );
});

test('aborting a followed merge ends it quietly and cancels every stream', async (t) => {
  const target = await fakeNode(t);
  const client = nodeClientOf(await connectApi([parseEndpoint(target)], tls), ['a', 'b']);
  t.after(() => {
    client.close();
  });
  const controller = new AbortController();
  let seen = 0;
  for await (const item of client.stream((o) => client.machine.logs({ id: 'x', follow: true }, o), {
    signal: controller.signal,
  })) {
    assert.ok(item.ok);
    if (++seen === 6) controller.abort();
  }
  assert.equal(seen, 6);
});

async function silentServer(t: TestContext): Promise<string> {
  const sockets = new Set<Socket>();
  const srv = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => srv.close(resolve));
  });
  const address = srv.address();
  assert.ok(address !== null && typeof address === 'object');
  return `127.0.0.1:${String(address.port)}`;
}

test('an endpoint that never answers times out, and aborting stops the wait at once', async (t) => {
  const silent = await silentServer(t);
  const slow: unknown = await connectApi([parseEndpoint(silent)], tls, { connectTimeoutMs: 300 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isConnectionError(slow));
  assert.match(slow.message, /no connection within 300 ms: check the address and the network path/);
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => {
    controller.abort(new Error('interrupted'));
  }, 100);
  await assert.rejects(connectApi([parseEndpoint(silent)], tls, { signal: controller.signal }), /interrupted/);
  assert.ok(Date.now() - started < 2000);
});

test('a node whose server certificate has expired is named with what to check', async (t) => {
  const expired = await issueTestCertificate(ca, { commonName: 'node', usage: 'server', expired: true });
  const server = createApiServer();
  const port = await listenApiServer(server, {
    address: '127.0.0.1:0',
    credentials: mutualTlsServerCredentials({ ca: ca.pem, cert: expired.cert, key: expired.key }),
  });
  t.after(() => stopApiServer(server, { graceMs: 100 }));
  const err: unknown = await connectApi([parseEndpoint(`127.0.0.1:${String(port)}`)], tls).then(
    (c) => {
      c.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  assert.ok(isConnectionError(err));
  assert.match(err.message, /^the server certificate of 127\.0\.0\.1:\d+ has expired: check the node's clock/);
});

test('aborting a fan-out rejects it as a whole instead of failing each node', async (t) => {
  const target = await fakeNode(t);
  const client = nodeClientOf(await connectApi([parseEndpoint(target)], tls), ['n1', 'slow']);
  t.after(() => {
    client.close();
  });
  const controller = new AbortController();
  setTimeout(() => {
    controller.abort(new Error('interrupted'));
  }, 100);
  await assert.rejects(
    client.each((o) => client.machine.version({}, o), { signal: controller.signal }),
    /interrupted/,
  );
});
