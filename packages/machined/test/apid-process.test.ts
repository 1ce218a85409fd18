// apid and trustd as real processes (their entry functions, as main.ts runs them) in front of a fake
// machined: they serve on ADDRESS:50000 / :50001 and exit 0 on SIGTERM.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelCredentials } from '@grpc/grpc-js';
import {
  createClient,
  createCsr,
  dial,
  encodeCertificateAndKey,
  generatePrivateKey,
  machineApi,
  mutualTlsChannelCredentials,
  securityApi,
} from '@bronze/machinery';
import { apiCertificates, createPki, md, startFakeMachined } from './apid-fixtures.ts';

let next = 0;
/** A loopback address of its own per test, so port 50000 is free. */
function address(): string {
  next++;
  return `127.${String(60 + (process.pid % 40))}.${String(process.pid % 250)}.${String(next + 1)}`;
}

function spawnEntry(t: TestContext, role: 'apid' | 'trustd', args: string[]) {
  const module = fileURLToPath(new URL(`../src/${role}/${role}-main.ts`, import.meta.url));
  const code = `const m = await import(${JSON.stringify(module)}); process.exitCode = await m.${role}Main(${JSON.stringify(args)});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => output };
}

async function retry<T>(fn: () => Promise<T>, what: () => string): Promise<T> {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw new Error(`gave up: ${what()}`, { cause: err });
      await sleep(100);
    }
  }
}

test('apid runs as a process, serves on ADDRESS:50000 and exits 0 on SIGTERM', async (t) => {
  const pki = await createPki();
  const machined = await startFakeMachined(t, 'node-p');
  const ip = address();
  machined.publish('ApiCertificates.secrets.talos.dev', await apiCertificates(pki, { client: true, ips: [ip] }));
  const { child, output } = spawnEntry(t, 'apid', ['--state-dir', machined.dir, '--address', ip]);
  const admin = await pki.issue({ organizations: ['os:admin'] });
  const channel = dial(`${ip}:50000`, {
    credentials: mutualTlsChannelCredentials({
      ca: pki.caPem,
      cert: admin.crt,
      key: admin.key,
    }),
  });
  t.after(() => {
    channel.close();
  });
  const machine = createClient(machineApi.MachineService, channel);
  const reply = await retry(() => machine.version({}, { deadline: new Date(Date.now() + 2000) }), output);
  assert.equal(reply.messages[0]?.metadata?.hostname, 'node-p');
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, output());
  assert.match(output(), /"msg":"apid serving"/);
});

test('trustd runs as a process on ADDRESS:50001 and signs with the token from OSRootSecrets', async (t) => {
  const pki = await createPki();
  const machined = await startFakeMachined(t, 'cp-p');
  const ip = address();
  machined.publish('OSRootSecrets.secrets.talos.dev', {
    issuingCA: encodeCertificateAndKey(pki.ca),
    acceptedCAs: [{ crt: pki.caPem }],
    certSANIPs: [],
    certSANDNSNames: [],
    token: 'abcdef.0123456789abcdef',
  });
  const { child, output } = spawnEntry(t, 'trustd', ['--state-dir', machined.dir, '--address', ip]);
  const channel = dial(`${ip}:50001`, { credentials: ChannelCredentials.createSsl(Buffer.from(pki.caPem)) });
  t.after(() => {
    channel.close();
  });
  const security = createClient(securityApi.SecurityService, channel);
  const csr = Buffer.from(await createCsr(await generatePrivateKey('ed25519'), { commonName: 'w' }));
  const reply = await retry(
    () =>
      security.certificate(
        { csr },
        { metadata: md(['token', 'abcdef.0123456789abcdef']), deadline: new Date(Date.now() + 2000) },
      ),
    output,
  );
  assert.match(Buffer.from(reply.crt).toString(), /BEGIN CERTIFICATE/);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, output());
});
