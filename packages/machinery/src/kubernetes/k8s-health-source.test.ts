import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { HealthClient } from '../health/health-client.ts';
import { kubeApiErrorOf } from './k8s-client-error.ts';
import { kubeconfigFromNode, nodeKubeSource } from './k8s-health-checks.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const kubeconfig = stringify({
  clusters: [{ name: 'demo', cluster: { server: 'https://10.5.0.2:6443', 'certificate-authority-data': b64('CA') } }],
  users: [{ name: 'admin@demo', user: { 'client-certificate-data': b64('CRT'), 'client-key-data': b64('KEY') } }],
  contexts: [{ name: 'admin@demo', context: { cluster: 'demo', user: 'admin@demo' } }],
  'current-context': 'admin@demo',
});

async function tarGz(t: { after: (fn: () => Promise<void>) => void }, files: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-kc-tar-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return execFileSync('tar', ['-czf', '-', '-C', dir, ...Object.keys(files)]);
}

function machineWith(archive: Buffer, calls: string[]): HealthClient {
  return {
    machine: {
      kubeconfig: (_req: unknown, options: { metadata?: Record<string, string[] | string> }) => {
        calls.push(String(options.metadata?.['node']));
        // two chunks, as a stream may split the archive anywhere
        return Readable.from([{ bytes: archive.subarray(0, 10) }, { bytes: archive.subarray(10) }]);
      },
    },
  } as unknown as HealthClient;
}

test('kubeconfigFromNode: the kubeconfig inside the node answer; an archive without it is an error', async (t) => {
  const calls: string[] = [];
  const signal = new AbortController().signal;
  assert.equal(
    await kubeconfigFromNode(machineWith(await tarGz(t, { kubeconfig }), calls), '10.5.0.2', signal),
    kubeconfig,
  );
  await assert.rejects(
    kubeconfigFromNode(machineWith(await tarGz(t, { other: 'x' }), calls), '10.5.0.2', signal),
    /ENOENT/,
  );
});

test('nodeKubeSource: fetched once, server replaced by --k8s-endpoint', async (t) => {
  const calls: string[] = [];
  const source = nodeKubeSource(machineWith(await tarGz(t, { kubeconfig }), calls), '10.5.0.2', {
    server: 'https://127.0.0.1:7445/',
  });
  t.after(() => {
    source.close();
  });
  const signal = new AbortController().signal;
  const a = await source.kube(signal);
  const b = await source.kube(signal);
  assert.equal(a, b);
  assert.equal(calls.length, 1);
  assert.equal(a.server, 'https://127.0.0.1:7445');
});

test('kubeApiErrorOf never throws and always names the request and status', () => {
  fc.assert(
    fc.property(fc.integer({ min: 400, max: 599 }), fc.string(), (status, body) => {
      const err = kubeApiErrorOf(status, body, { method: 'GET', path: '/api/v1/x' });
      return err.status === status && err.message.startsWith(`GET /api/v1/x: ${String(status)}`);
    }),
  );
});
