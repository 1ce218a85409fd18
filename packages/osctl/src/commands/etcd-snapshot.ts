import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Command } from 'commander';
import { UsageError, type Io } from '../io.ts';
import { singleNode, withNodeClient } from './node-command.ts';

export function etcdSnapshotCommand(io: Io): Command {
  return new Command('snapshot')
    .summary('save a snapshot of the etcd database')
    .description(
      'Stream a snapshot of etcd from one control-plane node to PATH (mode 0600). It is written to PATH.part and renamed only when the stream ended whole; its size and SHA-256 are printed. Restore it with `osctl bootstrap --recover-from PATH`.',
    )
    .argument('<path>', 'file to write')
    .option('--force', 'overwrite PATH when it exists')
    .action(async (path: string, opts: { force?: boolean }, cmd: Command) => {
      if (opts.force !== true && (await stat(path).catch(() => undefined)) !== undefined) {
        throw new UsageError(`${path} exists already: choose another path or pass --force`);
      }
      await withNodeClient(cmd, io, async (client, signal) => {
        singleNode(client.targets, 'etcd snapshot');
        const part = `${path}.part`;
        const out = createWriteStream(part, { mode: 0o600, flush: true });
        const hash = createHash('sha256');
        let bytes = 0;
        try {
          for await (const item of client.stream((o) => client.machine.etcdSnapshot({}, o), { signal })) {
            if (!item.ok) throw item.error;
            hash.update(item.value.bytes);
            bytes += item.value.bytes.length;
            if (!out.write(item.value.bytes)) await once(out, 'drain', { signal });
          }
          signal.throwIfAborted();
          if (bytes === 0) throw new Error(`the node sent an empty snapshot; nothing written to ${path}`);
          out.end();
          await once(out, 'finish');
          await rename(part, path);
        } finally {
          out.destroy();
          await rm(part, { force: true });
        }
        io.out(`etcd snapshot saved to ${path} (${String(bytes)} bytes)\n`);
        io.out(`sha256: ${hash.digest('hex')}\n`);
      });
    });
}
