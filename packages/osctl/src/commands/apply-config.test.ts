import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { ApiError, durationMs } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

test('apply-config sends the patched config with its mode to every node', async (t) => {
  const seen: { node: string; data: string; mode: number; dryRun: boolean; timeout: number | undefined }[] = [];
  const node = await startFakeNode(t, {
    machine: {
      applyConfiguration: (req, ctx) => {
        const timeout = req.tryModeTimeout === undefined ? undefined : durationMs(req.tryModeTimeout);
        seen.push({
          node: nodeOf(ctx),
          data: Buffer.from(req.data).toString(),
          mode: req.mode,
          dryRun: req.dryRun,
          timeout,
        });
        if (nodeOf(ctx) === 'w2') throw new ApiError('invalid-argument', 'machine.type cannot change live');
        return {
          messages: [
            { modeDetails: 'Applied configuration without a reboot', warnings: ['cluster.network is deprecated'] },
          ],
        };
      },
    },
  });
  await writeFile(join(node.dir, 'worker.yaml'), 'version: v1alpha1\nmachine:\n  type: worker\n');
  const run = await osctl(node, [
    'apply-config',
    '-f',
    'worker.yaml',
    '-p',
    'machine: {network: {hostname: w1}}',
    '-m',
    'try',
    '--timeout',
    '2m',
    '-n',
    'w1,w2',
  ]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, 'w1: Applied configuration without a reboot\n');
  assert.equal(
    run.stderr,
    'w1: warning: cluster.network is deprecated\n' +
      'w2: /machine.MachineService/ApplyConfiguration: machine.type cannot change live\n' +
      'error: 1 of 2 nodes failed; see the errors above\n',
  );
  assert.equal(seen[0]?.data, 'version: v1alpha1\nmachine:\n  type: worker\n  network: {hostname: w1}\n');
  assert.deepEqual(
    seen.map((s) => [s.node, s.mode, s.dryRun, s.timeout]),
    [
      ['w1', 4, false, 120_000],
      ['w2', 4, false, 120_000],
    ],
  );
  assert.equal((await osctl(node, ['apply', '-n', 'w1'])).code, 2);
  assert.equal((await osctl(node, ['apply', '-f', 'worker.yaml', '-m', 'sometimes'])).code, 2);
  const missing = await osctl(node, ['apply', '-f', 'nope.yaml', '-n', 'w1']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /failed to read the machine config .*nope\.yaml/);
});

test('apply-config --insecure reaches a maintenance-mode node without a client certificate', async (t) => {
  const seen: string[] = [];
  const node = await startFakeNode(
    t,
    {
      machine: {
        applyConfiguration: (req, ctx) => {
          seen.push(`${nodeOf(ctx)} dry=${String(req.dryRun)}`);
          return { messages: [{ modeDetails: 'Dry run summary: 1 document added' }] };
        },
      },
    },
    [],
    { maintenance: true },
  );
  await writeFile(join(node.dir, 'cp.yaml'), 'version: v1alpha1\n');
  const run = await osctl(node, ['apply-config', '--insecure', '--dry-run', '-f', 'cp.yaml', '-n', node.address]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `${node.address}: Dry run summary: 1 document added\n`);
  assert.deepEqual(seen, ['self dry=true']);
  const none = await osctl(node, ['apply-config', '--insecure', '-f', 'cp.yaml']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--insecure needs the nodes to configure: pass -n ADDRESS/);
  const dead = await osctl(node, ['apply-config', '--insecure', '-f', 'cp.yaml', '-n', '127.0.0.1:1']);
  assert.equal(dead.code, 1);
  assert.match(dead.stderr, /^127\.0\.0\.1:1: nothing is listening on 127\.0\.0\.1:1/);
});

test('apply-config --until-healthy sends bronze-until-healthy with mode try, and needs try', async (t) => {
  const seen: string[][] = [];
  const node = await startFakeNode(t, {
    machine: {
      applyConfiguration: (_req, ctx) => {
        seen.push(ctx.metadata.get('bronze-until-healthy').map(String));
        return { messages: [{ modeDetails: 'Applied configuration in try mode' }] };
      },
    },
  });
  await writeFile(join(node.dir, 'w.yaml'), 'version: v1alpha1\n');
  const run = await osctl(node, ['apply-config', '-f', 'w.yaml', '-m', 'try', '--until-healthy', '-n', 'w1']);
  assert.equal(run.code, 0, run.stderr);
  const plain = await osctl(node, ['apply-config', '-f', 'w.yaml', '-m', 'try', '-n', 'w1']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(seen, [['true'], []]);
  const wrong = await osctl(node, ['apply-config', '-f', 'w.yaml', '--until-healthy', '-n', 'w1']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--until-healthy needs --mode try/);
});

test('apply-config --insecure --cert-fingerprint accepts only the pinned server certificate', async (t) => {
  let applied = 0;
  const node = await startFakeNode(
    t,
    {
      machine: {
        applyConfiguration: () => {
          applied++;
          return { messages: [{ modeDetails: 'Applied configuration: leaving maintenance mode' }] };
        },
      },
    },
    [],
    { maintenance: true },
  );
  const [host, port] = node.address.split(':');
  const fingerprint = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host, port: Number(port), rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
  });
  await writeFile(join(node.dir, 'cp.yaml'), 'version: v1alpha1\n');
  const base = ['apply-config', '--insecure', '-f', 'cp.yaml', '-n', node.address];
  const good = await osctl(node, [...base, '--cert-fingerprint', fingerprint]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(applied, 1);
  const other = 'ab'.repeat(32);
  const bad = await osctl(node, [...base, '--cert-fingerprint', other]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /presents a certificate with fingerprint [0-9a-f]{64}, not one of --cert-fingerprint/);
  assert.equal(applied, 1);
  assert.equal((await osctl(node, [...base, '--cert-fingerprint', 'xyz'])).code, 2);
  const secure = await osctl(node, ['apply-config', '-f', 'cp.yaml', '--cert-fingerprint', other, '-n', 'w1']);
  assert.equal(secure.code, 2);
});
