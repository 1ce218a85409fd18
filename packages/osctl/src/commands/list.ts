import { Command } from 'commander';
import { machineApi } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import { Group } from '../groups.ts';
import { formatFileMode } from '../output/file-mode.ts';
import { failIfAny, printNodeError } from '../output/node-errors.ts';
import { formatTable } from '../output/table.ts';
import { humanBytes } from '../output/units.ts';
import { withNodeClient } from './node-command.ts';

const typeFlags: Record<string, machineApi.ListRequest_Type> = {
  f: machineApi.ListRequest_Type.REGULAR,
  d: machineApi.ListRequest_Type.DIRECTORY,
  l: machineApi.ListRequest_Type.SYMLINK,
};

interface ListOptions {
  long?: boolean;
  recurse?: boolean;
  depth?: string;
  humanize?: boolean;
  type?: string[];
}

function request(path: string, opts: ListOptions) {
  const depth = opts.depth === undefined ? undefined : Number(opts.depth);
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0)) {
    throw new UsageError(`--depth ${JSON.stringify(opts.depth)}: give a whole number of levels`);
  }
  const types = (opts.type ?? [])
    .flatMap((t) => t.split(','))
    .map((t) => {
      const v = typeFlags[t];
      if (v === undefined)
        throw new UsageError(`--type ${JSON.stringify(t)}: use f (files), d (directories) or l (links)`);
      return v;
    });
  const recurse = opts.recurse === true || (depth ?? 1) > 1;
  return {
    root: path,
    recurse,
    recursionDepth: opts.recurse === true && depth === undefined ? 0 : (depth ?? 1),
    types,
  };
}

function lastModified(seconds: bigint): string {
  const d = new Date(Number(seconds) * 1000);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 19);
  return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${String(d.getUTCFullYear())} ${time}`;
}

function row(node: string, f: machineApi.FileInfo, opts: ListOptions): string[] {
  const name = f.link !== '' ? `${f.relativeName || f.name} -> ${f.link}` : f.relativeName || f.name;
  if (opts.long !== true) return [node, name];
  const size = opts.humanize === true ? humanBytes(f.size) : String(f.size);
  const mode = formatFileMode(f.mode, { isDir: f.isDir, link: f.link });
  return [node, mode, String(f.uid), String(f.gid), size, lastModified(f.modified), name];
}

export function listCommand(io: Io): Command {
  return new Command('list')
    .aliases(['ls'])
    .summary('list a directory on a node')
    .description('List PATH (default /) on every target node; -l adds mode, owner, size and modification time.')
    .argument('[path]', 'directory to list', '/')
    .option('-l, --long', 'print mode, uid, gid, size and modification time')
    .option('-r, --recurse', 'list subdirectories too (as deep as --depth, default unlimited)')
    .option('-d, --depth <n>', 'how many levels to list (1: PATH only)')
    .option('-H, --humanize', 'print sizes as 1.2 MB instead of bytes')
    .option('-t, --type <types...>', 'only entries of these types: f (files), d (directories), l (links)')
    .helpGroup(Group.Node)
    .action(async (path: string, opts: ListOptions, cmd: Command) => {
      const req = request(path, opts);
      await withNodeClient(cmd, io, async (client, signal) => {
        const rows: string[][] = [];
        const failed = new Set<string>();
        for await (const item of client.stream((o) => client.machine.list(req, o), { signal })) {
          if (!item.ok || item.value.error !== '') {
            failed.add(item.node);
            printNodeError(io, item.node, item.ok ? `${item.value.name}: ${item.value.error}` : item.error);
            continue;
          }
          rows.push(row(item.node, item.value, opts));
        }
        const header =
          opts.long === true ? ['NODE', 'MODE', 'UID', 'GID', 'SIZE(B)', 'LASTMOD', 'NAME'] : ['NODE', 'NAME'];
        io.out(formatTable(header, rows));
        failIfAny(failed.size, client.targets.length);
      });
    });
}
