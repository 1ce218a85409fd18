import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogRing } from '../src/log/log-ring.ts';
import type { RunResult } from '../src/services/runner.ts';
import { alive, eventually, nodeProgram, pidFrom } from './helpers.ts';
import type { Runner } from '../src/services/runner.ts';

function start(
  runner: Runner,
  t: { after: (fn: () => Promise<void>) => void },
): { ring: LogRing; ac: AbortController; done: Promise<RunResult>; started: Promise<string> } {
  const ring = new LogRing();
  const ac = new AbortController();
  let onStarted: (m: string) => void = () => undefined;
  const started = new Promise<string>((r) => (onStarted = r));
  const done = runner.run({
    signal: ac.signal,
    output: ring,
    started: (m) => {
      onStarted(m);
    },
  });
  t.after(async () => {
    ac.abort();
    await done;
  });
  return { ring, ac, done, started };
}

test('a program that ignores SIGTERM is killed with SIGKILL after the kill timeout', async (t) => {
  const code = `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1e9);`;
  const { ring, ac, done, started } = start(nodeProgram(code, { killTimeoutMs: 300 }), t);
  const pid = pidFrom(await started);
  await eventually(() => (ring.tail(1)[0] === 'up' ? true : undefined));
  const t0 = Date.now();
  ac.abort();
  const result = await done;
  const took = Date.now() - t0;
  assert.equal(result.exitSignal, 'SIGKILL');
  assert.ok(result.ok, 'a requested stop is not a failure');
  assert.match(result.message, /stopped by SIGKILL/);
  assert.ok(took >= 280 && took < 3000, `stop took ${took} ms`);
  assert.ok(ring.tail(5).includes('ignoring SIGTERM'));
  // Reaped, not a zombie: the pid is gone altogether.
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('a graceful program stops on SIGTERM, well before the kill timeout', async (t) => {
  const code = `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1e9);`;
  const { ring, ac, done } = start(nodeProgram(code, { killTimeoutMs: 5000 }), t);
  await eventually(() => (ring.tail(1)[0] === 'up' ? true : undefined));
  const t0 = Date.now();
  ac.abort();
  const result = await done;
  assert.ok(Date.now() - t0 < 2000);
  assert.deepEqual([result.ok, result.exitCode], [true, 0]);
  assert.deepEqual(ring.tail(2), ['up', 'bye']);
});

test('stopping kills the whole process group: no orphan outlives the service', async (t) => {
  const code = `
    const { spawn } = require('node:child_process');
    const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
    console.log('child ' + c.pid);
    process.on('SIGTERM', () => {}); // the parent lingers; the group kill must still reach the child
    setInterval(() => {}, 1e9);`;
  const { ring, ac, done } = start(nodeProgram(code, { killTimeoutMs: 200 }), t);
  const child = await eventually(() => {
    const m = /^child (\d+)$/.exec(ring.tail(1)[0] ?? '');
    return m ? Number(m[1]) : undefined;
  });
  assert.ok(alive(child));
  ac.abort();
  await done;
  await eventually(() => (alive(child) ? undefined : true), 2000);
});

test('a program that exits leaves no process of its group behind', async (t) => {
  const code = `
    const { spawn } = require('node:child_process');
    const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
    c.unref();
    console.log('child ' + c.pid);
    process.exit(7);`;
  const { ring, done } = start(nodeProgram(code), t);
  const result = await done;
  assert.deepEqual([result.ok, result.exitCode], [false, 7]);
  const child = Number(/^child (\d+)$/.exec(ring.tail(1)[0] ?? '')?.[1]);
  await eventually(() => (alive(child) ? undefined : true), 2000);
});

test('args, env and cwd reach the program; stdout and stderr both reach the log', async (t) => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'bronze-run-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const code = `console.log(process.argv.slice(1).join(' ')); console.error('env ' + process.env.GREETING + ' ' + Object.keys(process.env).length); console.log('cwd ' + process.cwd());`;
  const { ring, done, started } = start(
    nodeProgram(code, { args: ['-e', code, 'a b', 'c'], env: { GREETING: 'hi' }, cwd: dir }),
    t,
  );
  assert.match(await started, /with pid \d+/);
  const result = await done;
  assert.deepEqual([result.ok, result.exitCode], [true, 0]);
  const lines = ring.tail(10);
  assert.ok(lines.includes('a b c'), lines.join('|'));
  assert.ok(lines.includes('env hi 1'), lines.join('|'));
  assert.ok(lines.includes(`cwd ${dir}`), lines.join('|'));
});

test('a stop requested before the program is up still stops it', async (t) => {
  const { ac, done } = start(nodeProgram(`setInterval(() => {}, 1e9)`), t);
  ac.abort();
  const result = await done;
  assert.equal(result.ok, true);
  assert.equal(result.exitSignal, 'SIGTERM');
});

test(
  'uid and gid are applied when machined runs as root',
  { skip: process.getuid?.() !== 0 ? 'needs root' : false },
  async (t) => {
    const code = `console.log('ids ' + process.getuid() + ' ' + process.getgid());`;
    const runner = nodeProgram(code, { uid: 65534, gid: 65534, cwd: '/' });
    assert.equal(runner.unsupported?.(), undefined);
    const { ring, done } = start(runner, t);
    const result = await done;
    assert.ok(result.ok, result.message);
    assert.deepEqual(ring.tail(1), ['ids 65534 65534']);
  },
);
