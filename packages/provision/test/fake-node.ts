// A stand-in for machined in the provider's own tests: started exactly as machined is
// (`fake-node.ts machined --platform process --state-dir DIR --address A --config F`), it serves
// MachineService.Version over mutual TLS on A:50000 with a certificate from the cluster's secrets,
// and starts a child `apid --state-dir DIR` as machined does, so clean-up of children is tested.
// FAKE_NODE_MODE=crash exits at once; FAKE_NODE_MODE=hang never answers; ignore-term ignores SIGTERM.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  addService,
  createApiServer,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  listenApiServer,
  loadSecretsBundle,
  machineApi,
  mutualTlsServerCredentials,
  parseCertificatePem,
  parsePrivateKeyPem,
} from '@bronze/machinery';
import { opensslTls } from '../src/wait-api.ts';

const role = process.argv[2];
const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    platform: { type: 'string' },
    'state-dir': { type: 'string' },
    address: { type: 'string' },
    config: { type: 'string' },
  },
});
const stateDir = values['state-dir'] ?? '';
const address = values.address ?? '';
const mode = process.env['FAKE_NODE_MODE'] ?? '';

if (role === 'apid') {
  setInterval(() => undefined, 60_000);
} else {
  if (mode === 'crash') {
    process.stderr.write('fake machined: crashing on purpose\n');
    process.exit(3);
  }
  if (mode === 'ignore-term') process.on('SIGTERM', () => undefined);
  const child = spawn(
    process.execPath,
    [process.argv[1] ?? '', 'apid', '--state-dir', stateDir, '--address', address],
    {
      stdio: 'inherit',
    },
  );
  if (mode !== 'ignore-term') {
    process.on('SIGTERM', () => {
      child.kill('SIGTERM');
      process.exit(0);
    });
  }
  if (mode !== 'hang') await serve();
  process.stdout.write(`fake machined on ${address} ready\n`);
  setInterval(() => undefined, 60_000);
}

async function serve(): Promise<void> {
  const secrets = await loadSecretsBundle(join(stateDir, '..', '..', 'secrets.yaml'));
  const ca = { certificate: parseCertificatePem(secrets.certs.os.crt), key: parsePrivateKeyPem(secrets.certs.os.key) };
  const leaf = encodeCertificateAndKey(
    await issueCertificateAndKey(ca, { commonName: address, ipAddresses: [address], extKeyUsage: ['serverAuth'] }),
  );
  const server = createApiServer();
  addService(server, {
    service: machineApi.MachineService,
    handlers: { version: () => ({ messages: [{ version: { tag: 'fake' } }] }) },
  });
  await listenApiServer(server, {
    address: `${address}:50000`,
    credentials: mutualTlsServerCredentials(opensslTls({ ca: secrets.certs.os.crt, cert: leaf.crt, key: leaf.key })),
  });
}
