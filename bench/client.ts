// The API client's own cost: client-side fan-out (one Version per node with `node` metadata,
// results per node) and the merge of per-node streams, against an in-process mutual-TLS server,
// compared with the bare generated client doing the same calls (Promise.all / one loop per stream).
// npm run bench -- client [--rounds N]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  addService,
  connectApi,
  createApiServer,
  createSelfSignedCa,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  listenApiServer,
  machineApi,
  mutualTlsServerCredentials,
  nodeClientOf,
  nodeMetadata,
  parseEndpoint,
  parsePrivateKeyPem,
  replyMessages,
  stopApiServer,
} from '@bronze/machinery';
import { benchLine, percentile } from './lib-stats.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '300' } } });
const rounds = Number(values.rounds);
const pkcs8 = (pem: string): string =>
  parsePrivateKeyPem(pem).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const ca = await createSelfSignedCa({ commonName: 'bench ca' });
const server = encodeCertificateAndKey(
  await issueCertificateAndKey(ca, { commonName: 'n', ipAddresses: ['127.0.0.1'], extKeyUsage: ['serverAuth'] }),
);
const client = encodeCertificateAndKey(
  await issueCertificateAndKey(ca, { commonName: 'c', organizations: ['os:admin'], extKeyUsage: ['clientAuth'] }),
);
const linesPerStream = 2000;
const line = Buffer.from('x'.repeat(100) + '\n');
const grpc = createApiServer();
addService(grpc, {
  service: machineApi.MachineService,
  handlers: {
    version: () => ({ messages: [{ version: { tag: 'v0.1.0' } }] }),
    async *logs() {
      await Promise.resolve();
      for (let i = 0; i < linesPerStream; i++) yield { bytes: line };
    },
  },
});
const port = await listenApiServer(grpc, {
  address: '127.0.0.1:0',
  credentials: mutualTlsServerCredentials({ ca: ca.certificate.pem, cert: server.crt, key: pkcs8(server.key) }),
});
const connection = await connectApi([parseEndpoint(`127.0.0.1:${String(port)}`)], {
  ca: ca.certificate.pem,
  cert: client.crt,
  key: pkcs8(client.key),
});

async function timed(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 20; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const figures: Record<string, number> = {};
for (const n of [1, 5, 20]) {
  const nodes = Array.from({ length: n }, (_, i) => `10.0.0.${String(i + 1)}`);
  const nc = nodeClientOf(connection, nodes);
  const ours = await timed(async () => replyMessages(await nc.each((o) => nc.machine.version({}, o))));
  const bare = await timed(() =>
    Promise.all(nodes.map((node) => connection.machine.version({}, { metadata: nodeMetadata(node) }))),
  );
  process.stdout.write(
    `fan-out to ${String(n).padStart(2)} nodes: ours p50 ${ours.p50.toFixed(3)} ms p99 ${ours.p99.toFixed(3)} ms; ` +
      `bare p50 ${bare.p50.toFixed(3)} ms p99 ${bare.p99.toFixed(3)} ms\n`,
  );
  figures[`fanout${String(n)}_p50_ms`] = ours.p50;
  figures[`fanout${String(n)}_p99_ms`] = ours.p99;
  figures[`fanout${String(n)}_vs_bare`] = ours.p50 / bare.p50;
}

const streamNodes = Array.from({ length: 5 }, (_, i) => `10.0.1.${String(i + 1)}`);
const merged = nodeClientOf(connection, streamNodes);

async function ourMerge(): Promise<number> {
  const t0 = performance.now();
  let count = 0;
  for await (const item of merged.stream((o) => merged.machine.logs({ id: 'x' }, o))) if (item.ok) count++;
  return count / ((performance.now() - t0) / 1000);
}

async function bareLoops(): Promise<number> {
  const t0 = performance.now();
  let count = 0;
  await Promise.all(
    streamNodes.map(async (node) => {
      for await (const _ of connection.machine.logs({ id: 'x' }, { metadata: nodeMetadata(node) })) count++;
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

// alternate the two, three times each, and keep each one's best run
let mergedPerSec = 0;
let barePerSec = 0;
for (let i = 0; i < 3; i++) {
  mergedPerSec = Math.max(mergedPerSec, await ourMerge());
  barePerSec = Math.max(barePerSec, await bareLoops());
}
process.stdout.write(
  `merge of 5 log streams: ours ${Math.round(mergedPerSec)} messages/s; bare loops ${Math.round(barePerSec)} messages/s\n`,
);
connection.close();
await stopApiServer(grpc, { graceMs: 100 });
process.stdout.write(
  `${benchLine('client', {
    ...figures,
    merge5_msgs_s: mergedPerSec,
    merge5_vs_bare: mergedPerSec / barePerSec,
  })}\n`,
);
