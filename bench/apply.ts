// npm run bench -- apply [--count N]: ApplyConfiguration round trips on one real machined process
// (a worker, over its unix socket): dry run (validate + diff), staged (+ the crash-safe write with
// fsyncs), no-reboot (+ the live MachineConfig update) and try. Ratio: no-reboot / dry run, what
// persisting and activating cost over validating alone.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import { applyPatches, createClient, dial, generateConfigs, machineApi } from '@bronze/machinery';
import { benchLine, percentile } from './lib-stats.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' } } });
const count = Math.max(10, Number(values.count));
const Mode = machineApi.ApplyConfigurationRequest_Mode;
const main = join(import.meta.dirname, '../packages/machined/src/main.ts');

const dir = await mkdtemp(join(tmpdir(), 'bronze-bench-apply-'));
const { worker } = await generateConfigs({ clusterName: 'bench', endpoint: 'https://127.0.0.1:6443' });
const configFile = join(dir, 'config-input.yaml');
await writeFile(configFile, worker, { mode: 0o600 });
const child = spawn(
  process.execPath,
  [main, 'machined', '--platform', 'process', '--state-dir', dir, '--address', '127.0.9.9', '--config', configFile],
  { stdio: 'ignore', detached: true },
);
try {
  const socket = join(dir, 'system/run/machined/machine.sock');
  const channel = dial(`unix:${socket}`, { credentials: credentials.createInsecure() });
  const machine = createClient(machineApi.MachineService, channel);
  for (let i = 0; ; i++) {
    try {
      await access(socket);
      await machine.serviceList({}, { deadline: new Date(Date.now() + 1000) });
      break;
    } catch (err) {
      if (i > 200) throw err;
      await sleep(50);
    }
  }
  const texts = await Promise.all(
    ['a', 'b'].map((h) => applyPatches(worker, [`machine:\n  network:\n    hostname: bench-${h}\n`])),
  );
  const time = async (mode: machineApi.ApplyConfigurationRequest_Mode, dryRun: boolean): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const data = Buffer.from(texts[i % 2] ?? '');
      const start = performance.now();
      await machine.applyConfiguration(
        { data, mode, dryRun, ...(mode === Mode.TRY ? { tryModeTimeout: { seconds: 60n, nanos: 0 } } : {}) },
        { deadline: new Date(Date.now() + 10_000) },
      );
      out.push(performance.now() - start);
    }
    return out.sort((x, y) => x - y);
  };
  await time(Mode.NO_REBOOT, true);
  const dry = await time(Mode.NO_REBOOT, true);
  const staged = await time(Mode.STAGED, false);
  const noReboot = await time(Mode.NO_REBOOT, false);
  const tried = await time(Mode.TRY, false);
  const figures: Record<string, number> = {};
  for (const [name, xs] of Object.entries({ dry_run: dry, staged, no_reboot: noReboot, try: tried })) {
    figures[`${name}_p50_ms`] = percentile(xs, 50);
    figures[`${name}_p99_ms`] = percentile(xs, 99);
    process.stdout.write(
      `${name.padEnd(10)} p50 ${percentile(xs, 50).toFixed(2)} ms  p99 ${percentile(xs, 99).toFixed(2)} ms  (${String(count)} applies)\n`,
    );
  }
  figures.no_reboot_over_dry_run = percentile(noReboot, 50) / percentile(dry, 50);
  channel.close();
  process.stdout.write(`${benchLine('apply', figures)}\n`);
} finally {
  if (child.pid !== undefined) {
    const exited = once(child, 'exit');
    process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(5000)]);
  }
  await rm(dir, { recursive: true, force: true });
}
