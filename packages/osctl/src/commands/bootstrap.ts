import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Command } from 'commander';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import { singleNode, withNodeClient } from './node-command.ts';
import { etcdCall } from './etcd-run.ts';

async function* chunks(path: string): AsyncIterable<{ bytes: Uint8Array }> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    yield { bytes: chunk as Buffer };
  }
}

export function bootstrapCommand(io: Io): Command {
  return new Command('bootstrap')
    .summary('bootstrap etcd on one control-plane node')
    .description(
      'Create the etcd cluster on ONE control-plane node, once per cluster. The other control planes then join it on their own (as learners, promoted when caught up). Refused when etcd already runs on the node or its data directory holds data. With --recover-from, the snapshot (from `osctl etcd snapshot`) is uploaded first and the new cluster starts from it.',
    )
    .option('--recover-from <file>', 'restore etcd from this snapshot file (osctl etcd snapshot)')
    .option('--recover-skip-hash-check', "accept a database without etcd's hash (copied from a data directory)")
    .helpGroup(Group.Node)
    .action(async (opts: { recoverFrom?: string; recoverSkipHashCheck?: boolean }, cmd: Command) => {
      const file = opts.recoverFrom;
      if (file !== undefined) {
        const s = await stat(file).catch(() => undefined);
        if (s?.isFile() !== true) throw new UsageError(`--recover-from ${file}: no such file; pass a snapshot file`);
      }
      await withNodeClient(cmd, io, async (client, signal) => {
        singleNode(client.targets, 'bootstrap');
        if (file !== undefined) {
          await etcdCall(client, io, { call: (o) => client.machine.etcdRecover(chunks(file), o), signal });
          io.err(`uploaded ${file}\n`);
        }
        const request = { recoverEtcd: file !== undefined, recoverSkipHashCheck: opts.recoverSkipHashCheck === true };
        await etcdCall(client, io, { call: (o) => client.machine.bootstrap(request, o), signal });
      });
    });
}
