import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { CriLineJoiner, criLogFile, parseCriRecord, readCriLog } from './cri-log.ts';

const rec = (msg: string, tag = 'F', stream = 'stdout'): string =>
  `2026-11-22T03:00:00.123456789Z ${stream} ${tag} ${msg}`;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cri-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function collect(gen: AsyncGenerator<string>, n: number): Promise<string[]> {
  // next() rather than for-await: breaking out of a for-await would end the generator.
  const out: string[] = [];
  while (out.length < n) {
    const r = await gen.next();
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

test('a line not in the CRI format is its own message', () => {
  assert.deepEqual(parseCriRecord('plain text'), { stream: '', partial: false, message: 'plain text' });
  assert.deepEqual(parseCriRecord(''), { stream: '', partial: false, message: '' });
});

test('a CRI record gives its stream, tag and message (spaces in the message kept)', () => {
  assert.deepEqual(parseCriRecord(rec('I1122 serving on :6443  x', 'F', 'stderr')), {
    stream: 'stderr',
    partial: false,
    message: 'I1122 serving on :6443  x',
  });
  assert.deepEqual(parseCriRecord(rec('', 'F')), { stream: 'stdout', partial: false, message: '' });
  assert.equal(parseCriRecord(rec('half', 'P')).partial, true);
});

test('any message survives a CRI record, and partial records join into one line', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.string().filter((s) => !s.includes('\n')),
        { minLength: 1, maxLength: 5 },
      ),
      (parts) => {
        const lines = parts.map((p, i) => rec(p, i === parts.length - 1 ? 'F' : 'P'));
        assert.deepEqual(new CriLineJoiner().push(lines), [parts.join('')]);
      },
    ),
  );
});

test('no log directory, or one without N.log, gives no file', async (t) => {
  const root = await tempDir(t);
  const target = { namespace: 'kube-system', pod: 'p', uid: 'u1', container: 'c' };
  assert.equal(await criLogFile(root, target), undefined);
  await mkdir(join(root, 'kube-system_p_u1', 'c'), { recursive: true });
  await writeFile(join(root, 'kube-system_p_u1', 'c', '0.log.20261122-030000'), '');
  assert.equal(await criLogFile(root, target), undefined);
});

test('the newest restart is the log file', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'kube-system_p_u1', 'c');
  await mkdir(dir, { recursive: true });
  for (const n of ['0.log', '2.log', '10.log']) await writeFile(join(dir, n), '');
  assert.equal(
    await criLogFile(root, { namespace: 'kube-system', pod: 'p', uid: 'u1', container: 'c' }),
    join(dir, '10.log'),
  );
});

test('tail gives the last N messages; none asked: all; 0: none', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, '0.log');
  await writeFile(path, ['a', 'b', 'c', 'd'].map((m) => `${rec(m)}\n`).join(''));
  assert.deepEqual(await collect(readCriLog(path), 99), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await collect(readCriLog(path, { tailLines: 2 }), 99), ['c', 'd']);
  assert.deepEqual(await collect(readCriLog(path, { tailLines: 0 }), 99), []);
  assert.deepEqual(await collect(readCriLog(path, { tailLines: 10 }), 99), ['a', 'b', 'c', 'd']);
});

test('follow yields lines appended later, a record split between writes, and a rotated file', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, '0.log');
  await writeFile(path, `${rec('old-1')}\n${rec('old-2')}\n`);
  const ac = new AbortController();
  t.after(() => {
    ac.abort();
  });
  const gen = readCriLog(path, { tailLines: 1, follow: true, signal: ac.signal, pollMs: 10 });
  assert.deepEqual(await collect(gen, 1), ['old-2']);
  const next = collect(gen, 3);
  const full = `${rec('new-', 'P')}\n${rec('1')}\n`;
  await appendFile(path, full.slice(0, 20));
  await new Promise((r) => setTimeout(r, 50));
  await appendFile(path, full.slice(20));
  await appendFile(path, `${rec('ünïcode')}\n`);
  await new Promise((r) => setTimeout(r, 50));
  await rename(path, `${path}.20261122-030000`);
  await writeFile(path, `${rec('after-rotation')}\n`);
  assert.deepEqual(await next, ['new-1', 'ünïcode', 'after-rotation']);
});

test('follow ends when the signal aborts', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, '0.log');
  await writeFile(path, `${rec('only')}\n`);
  const ac = new AbortController();
  const got = collect(readCriLog(path, { follow: true, signal: ac.signal, pollMs: 10 }), 99);
  setTimeout(() => {
    ac.abort();
  }, 50);
  assert.deepEqual(await got, ['only']);
});
