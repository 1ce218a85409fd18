// A client that disappears mid-stream (SIGKILL) leaves no follower behind in machined: the daemon
// runs in this process so its event ring and log rings can be inspected.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nullLogger } from '../src/log/logger.ts';
import { Machined } from '../src/machined/daemon.ts';
import { processPlatform } from '../src/platform/process-platform.ts';
import { killGroup, nextAddress, waitFor } from './machined-fixture.ts';

const RepoRoot = fileURLToPath(new URL('../../../', import.meta.url));

// A client (plain JavaScript, resolved from the repository root) that follows three streams.
const clientScript = `
import { credentials } from '@grpc/grpc-js';
import { cosiStateApi, createClient, dial, machineApi } from '@bronze/machinery';
const channel = dial('unix:' + process.argv.at(-1), { credentials: credentials.createInsecure() });
const machine = createClient(machineApi.MachineService, channel);
const state = createClient(cosiStateApi.State, channel);
const drain = async (stream) => { try { for await (const _ of stream) { /* keep reading */ } } catch { /* killed */ } };
void drain(machine.events({ tailEvents: 0 }));
void drain(machine.logs({ id: 'machined', follow: true, tailLines: 0 }));
void drain(state.watch({ namespace: 'runtime', type: 'Versions.runtime.talos.dev' }));
await machine.version({});
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000);
`;

test('streams of a killed client end on the node: no event or log follower is left', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-streams-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const platform = processPlatform({ stateDir: dir, address: nextAddress() });
  const machined = new Machined({
    platform,
    logger: nullLogger(),
    requestCertificate: () => Promise.reject(new Error('no trustd in this test')),
  });
  await machined.start();
  t.after(() => machined.stop());

  const client = spawn(process.execPath, ['--input-type=module', '-e', clientScript, platform.paths.machinedSocket], {
    cwd: RepoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  t.after(() => {
    killGroup(client, 'SIGKILL');
  });
  const [ready] = (await once(client.stdout, 'data')) as [Buffer];
  assert.match(ready.toString(), /ready/);
  const logs = machined.supervisor().logs('machined');
  await waitFor(
    () => {
      assert.equal(machined.events.waiting, 1);
      assert.equal(logs.stats().waiting, 1);
      return Promise.resolve();
    },
    { what: 'the client following events and logs' },
  );

  killGroup(client, 'SIGKILL');
  await once(client, 'exit');
  await waitFor(
    () => {
      assert.equal(machined.events.waiting, 0);
      assert.equal(logs.stats().waiting, 0);
      return Promise.resolve();
    },
    { what: 'followers gone after the client was killed' },
  );
  assert.equal(machined.supervisor().get('machined').state, 'Running');
});
