// The rendered KubeProxyConfiguration as the real kube-proxy reads it: `--write-config-to` loads,
// decodes (strictly, else it falls back and says so) and validates the file, then exits without
// touching the host's packet filter.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { bootstrapManifests, type ManifestInput } from '@bronze/machinery';
import { testManifestInput } from './kube-apiserver-fixture.ts';

const kubeProxy = resolve(import.meta.dirname, '../../../.cache/components/kube-proxy-v1.34.10/kube-proxy');
const skip = existsSync(kubeProxy) ? false : `${kubeProxy} is absent: build it with \`osctl image components\``;

function input(mode: string, podSubnets: string[]): ManifestInput {
  return {
    ...testManifestInput,
    endpoint: 'https://10.5.0.2:6443',
    podSubnets,
    proxy: { ...testManifestInput.proxy, mode },
  };
}

function configConf(i: ManifestInput): string {
  const cm = bootstrapManifests(i)
    .find((m) => m.id === '10-kube-proxy')
    ?.objects.find((o) => o.kind === 'ConfigMap');
  const text = (cm?.['data'] as Record<string, string> | undefined)?.['config.conf'];
  assert.ok(text !== undefined);
  return text;
}

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(kubeProxy, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

test('kube-proxy accepts the rendered configuration, strictly; a bad mode is refused', { skip }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-kube-proxy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, i] of [
    ['iptables', input('iptables', ['10.244.0.0/16'])],
    ['dual-stack', input('iptables', ['10.244.0.0/16', 'fd00:10:244::/56'])],
    ['bogus', input('bogus', ['10.244.0.0/16'])],
  ] as const) {
    await writeFile(join(dir, `${name}.conf`), configConf(i));
    const r = await run([`--config=${join(dir, `${name}.conf`)}`, `--write-config-to=${join(dir, `${name}.out`)}`]);
    if (name === 'bogus') {
      assert.notEqual(r.code, 0);
      assert.match(r.output, /Mode\.ProxyMode: Invalid value: \\"bogus\\"/);
      continue;
    }
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /strict decoding error/);
    assert.match(r.output, /Wrote configuration/);
  }
});
