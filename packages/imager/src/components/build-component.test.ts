import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { isImageError } from '../image-error.ts';
import { buildComponent } from './build-component.ts';
import { componentCacheDir } from './component-cache.ts';
import type { UpstreamComponent } from './upstream-component.ts';

const comp: UpstreamComponent = {
  name: 'kube-scheduler',
  version: 'v1.34.10',
  binary: 'kube-scheduler',
  reason: 'test',
  source: {
    kind: 'go-module',
    module: 'k8s.io/kubernetes',
    package: 'k8s.io/kubernetes/cmd/kube-scheduler',
    localReplaceVersion: 'v0.34.10',
  },
};

interface Fake {
  dir: string;
  go: string;
  cache: string;
  calls: () => Promise<string[]>;
}

/** A fake `go`: prints a version, answers `mod download -json`, and "builds" by writing -o. */
async function fakeGo(t: TestContext, o: { version?: string; sleep?: number; fail?: boolean } = {}): Promise<Fake> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-fake-go-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, 'upstream.mod'),
    'module k8s.io/kubernetes\n\ngo 1.24.0\n\nrequire k8s.io/api v0.0.0\n\nreplace k8s.io/api => ./staging/src/k8s.io/api\n',
  );
  const go = join(dir, 'go');
  const script = `#!/bin/sh
echo "$*" >> ${dir}/calls
case "$1" in
env) echo ${o.version ?? 'go1.99.0'} ;;
mod) printf '{"Dir":"${dir}","GoMod":"${dir}/upstream.mod"}\\n' ;;
build)
  cp go.mod ${dir}/driver.mod
  echo $$ > ${dir}/build.pid
  while [ $# -gt 1 ]; do [ "$1" = "-o" ] && out="$2"; shift; done
  printf partial > "$out"
  ${o.sleep === undefined ? '' : `sleep ${String(o.sleep)}`}
  ${o.fail === true ? 'echo "cmd/kube-scheduler: undefined: foo" >&2; exit 1' : ''}
  printf 'binary ${o.version ?? 'go1.99.0'}' > "$out" ;;
esac
`;
  await writeFile(go, script);
  await chmod(go, 0o755);
  const cache = join(dir, 'cache');
  const calls = async (): Promise<string[]> =>
    (await readFile(join(dir, 'calls'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
  return { dir, go, cache, calls };
}

test('a failing build throws with the compiler output and leaves no cache entry', async (t) => {
  const f = await fakeGo(t, { fail: true });
  await assert.rejects(buildComponent(comp, { go: f.go, cacheRoot: f.cache }), (err: unknown) => {
    assert.ok(isImageError(err) && err.code === 'tool-failed');
    assert.match(err.message, /undefined: foo/);
    assert.match(err.message, /^go build k8s\.io\/kubernetes\/cmd\/kube-scheduler@v1\.34\.10 failed \(exit 1\)/);
    return true;
  });
  assert.deepEqual(await readdir(f.cache), []);
});

test('an interrupted build leaves neither a half binary nor its work directory', async (t) => {
  const f = await fakeGo(t, { sleep: 30 });
  const ac = new AbortController();
  const started = performance.now();
  const p = buildComponent(comp, { go: f.go, cacheRoot: f.cache, signal: ac.signal });
  setTimeout(() => {
    ac.abort(new Error('stopped'));
  }, 500);
  await assert.rejects(p, /stopped/);
  assert.ok(performance.now() - started < 10_000, 'the sleeping build was killed');
  assert.deepEqual(await readdir(f.cache), []);
});

test('a build outlives no process that exits while it runs', async (t) => {
  const f = await fakeGo(t, { sleep: 30 });
  const mod = new URL('./build-component.ts', import.meta.url).href;
  const code = `const { buildComponent } = await import(${JSON.stringify(mod)});
void buildComponent(${JSON.stringify(comp)}, { go: ${JSON.stringify(f.go)}, cacheRoot: ${JSON.stringify(f.cache)} });
setTimeout(() => process.exit(0), 700);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
  await once(child, 'exit');
  const pid = Number((await readFile(join(f.dir, 'build.pid'), 'utf8')).trim());
  assert.ok(pid > 0);
  const gone = async (): Promise<boolean> => {
    const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8').catch(() => '');
    return stat === '' || / Z /.test(stat);
  };
  for (let i = 0; i < 30 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await gone(), 'the fake go build was killed with its parent');
});

test('the first build fills the cache, the second reuses it without running go build', async (t) => {
  const f = await fakeGo(t);
  const lines: string[] = [];
  const cold = await buildComponent(comp, { go: f.go, cacheRoot: f.cache, onProgress: (l) => lines.push(l) });
  assert.equal(cold.cached, false);
  assert.equal(cold.toolchain, 'go1.99.0');
  assert.equal(cold.checksum, 'unrecorded');
  assert.equal(await readFile(cold.path, 'utf8'), 'binary go1.99.0');
  assert.equal(cold.path, join(componentCacheDir(f.cache, comp), 'kube-scheduler'));
  assert.match(lines[0] ?? '', /^kube-scheduler v1\.34\.10: building with go1\.99\.0/);
  assert.match(await readFile(join(f.dir, 'driver.mod'), 'utf8'), /k8s\.io\/api => k8s\.io\/api v0\.34\.10/);
  const build = (await f.calls()).find((c) => c.startsWith('build '));
  assert.match(
    build ?? '',
    /^build -p 1 -trimpath -buildvcs=false .* -o \S+\/kube-scheduler k8s\.io\/kubernetes\/cmd\/kube-scheduler$/,
  );

  const warm = await buildComponent(comp, { go: f.go, cacheRoot: f.cache });
  assert.equal(warm.cached, true);
  assert.equal(warm.sha256, cold.sha256);
  assert.equal((await f.calls()).filter((c) => c.startsWith('build ')).length, 1);
  assert.deepEqual(
    (await readdir(f.cache)).filter((n) => n.startsWith('.work-')),
    [],
  );
  const recorded = { sha256: cold.sha256, toolchain: 'go1.99.0' };
  assert.equal(
    (await buildComponent({ ...comp, built: recorded }, { go: f.go, cacheRoot: f.cache })).checksum,
    'match',
  );
  assert.equal(
    (
      await buildComponent(
        { ...comp, built: { ...recorded, sha256: '0'.repeat(64) } },
        { go: f.go, cacheRoot: f.cache },
      )
    ).checksum,
    'mismatch',
  );
});

test('another toolchain or an altered cached binary means a rebuild', async (t) => {
  const f = await fakeGo(t);
  const first = await buildComponent(comp, { go: f.go, cacheRoot: f.cache });
  await writeFile(first.path, 'tampered');
  const again = await buildComponent(comp, { go: f.go, cacheRoot: f.cache });
  assert.equal(again.cached, false);
  assert.equal(await readFile(again.path, 'utf8'), 'binary go1.99.0');
  const g = await fakeGo(t, { version: 'go1.100.0' });
  const other = await buildComponent(
    { ...comp, built: { sha256: first.sha256, toolchain: 'go1.99.0' } },
    { go: g.go, cacheRoot: f.cache },
  );
  assert.equal(other.cached, false);
  assert.equal(other.checksum, 'other-toolchain');
});

test('a same-size write to a cached binary is seen after a lookup sealed it', async (t) => {
  const f = await fakeGo(t);
  const first = await buildComponent(comp, { go: f.go, cacheRoot: f.cache });
  const sealed = await buildComponent(comp, { go: f.go, cacheRoot: f.cache });
  assert.equal(sealed.cached, true);
  assert.equal((await buildComponent(comp, { go: f.go, cacheRoot: f.cache })).cached, true);
  await writeFile(first.path, 'binary go1.99.X');
  const again = await buildComponent(comp, { go: f.go, cacheRoot: f.cache });
  assert.equal(again.cached, false);
  assert.equal(await readFile(again.path, 'utf8'), 'binary go1.99.0');
});

test('a slow build reports its elapsed time while go is silent', async (t) => {
  const f = await fakeGo(t, { sleep: 1 });
  const lines: string[] = [];
  await buildComponent(comp, { go: f.go, cacheRoot: f.cache, tickMs: 200, onProgress: (l) => lines.push(l) });
  assert.ok(
    lines.some((l) => /^kube-scheduler: still building, \d+ s$/.test(l)),
    lines.join('\n'),
  );
  assert.match(lines.at(-1) ?? '', /built in [\d.]+ s, 15 bytes$/);
});

test('a Debian component is found where its package installs it, or named with the package to install', async (t) => {
  const f = await fakeGo(t);
  const deb: UpstreamComponent = {
    name: 'runc',
    version: '1',
    binary: 'runc',
    reason: 'x',
    source: { kind: 'debian', package: 'runc', path: join(f.dir, 'go') },
  };
  const got = await buildComponent(deb, { cacheRoot: f.cache });
  assert.equal(got.cached, true);
  assert.match(got.sha256, /^[0-9a-f]{64}$/);
  const missing = { ...deb, source: { kind: 'debian' as const, package: 'runc', path: join(f.dir, 'nope') } };
  await assert.rejects(buildComponent(missing), /apt-get install runc/);
});
