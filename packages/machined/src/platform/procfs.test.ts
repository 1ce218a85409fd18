import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseCpuinfo, parseLoadavg, parseMeminfo, parseProcStat, parseProcStatFile } from './procfs.ts';

test('a stat line with spaces and parentheses in the command still parses', () => {
  const line =
    '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 123 1048576 300 18446744073709551615';
  const p = parseProcStat(line);
  assert.ok(p !== undefined);
  assert.equal(p.pid, 4242);
  assert.equal(p.command, 'node (worker) x');
  assert.equal(p.state, 'S');
  assert.equal(p.ppid, 1);
  assert.equal(p.cpuTime, 3);
  assert.equal(p.threads, 11);
  assert.equal(p.virtualMemory, 1048576n);
  assert.equal(p.residentMemory, 300n * 4096n);
});

test('garbage stat text is not a process, and never throws', () => {
  assert.equal(parseProcStat('no parentheses here'), undefined);
  fc.assert(
    fc.property(fc.string(), (s) => {
      const r = parseProcStat(s);
      assert.ok(r === undefined || typeof r.command === 'string');
    }),
  );
});

test('meminfo, loadavg, stat and cpuinfo', () => {
  const mem = parseMeminfo('MemTotal:       16318412 kB\nActive(anon):     123 kB\nHugePages_Total:       0\n');
  assert.equal(mem.get('memtotal'), 16318412n);
  assert.equal(mem.get('activeanon'), 123n);
  assert.equal(mem.get('hugepagestotal'), 0n);
  assert.deepEqual(parseLoadavg('0.52 0.58 0.59 1/467 12345\n'), { load1: 0.52, load5: 0.58, load15: 0.59 });
  const stat = parseProcStatFile(
    'cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 100 0 50 1000 0 0 0 0 0 0\nintr 999 1 2\nctxt 77\nbtime 1700000000\nprocesses 12\nprocs_running 2\nprocs_blocked 0\nsoftirq 55 1 2\n',
  );
  assert.equal(stat.cpuTotal.user, 1);
  assert.equal(stat.cpu.length, 1);
  assert.equal(stat.irqTotal, 999n);
  assert.equal(stat.bootTime, 1700000000n);
  assert.equal(stat.softIrqTotal, 55n);
  const cpus = parseCpuinfo(
    'processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu vme\n\nprocessor\t: 1\nmodel name\t: Test CPU\n',
  );
  assert.equal(cpus.length, 2);
  assert.equal(cpus[0]?.get('model name'), 'Test CPU');
});

test('the /proc file parsers never throw on truncated or random text', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      parseProcStatFile(s);
      parseMeminfo(s);
      parseLoadavg(s);
      parseCpuinfo(s);
      parseProcStat(`1 (x) ${s}`);
    }),
  );
});
