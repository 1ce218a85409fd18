import { resolve } from 'node:path';
import { Command } from 'commander';
import { applyPatches, writeFileAtomic } from '@bronze/machinery';
import { type Io, UsageError } from '../io.ts';
import { readConfigFile } from './machineconfig-read.ts';

interface PatchOptions {
  patch?: string[];
  output?: string;
  force?: boolean;
}

export function machineconfigPatchCommand(io: Io): Command {
  return new Command('patch')
    .summary('apply patches to a machine config file')
    .description(
      'Apply one or more patches to a machine config and print the result, or write it with -o.\n\n' +
        'A patch is given as @FILE, as a file name, or inline (YAML or JSON). A mapping is a strategic ' +
        'merge patch (one or more documents, merged by apiVersion, kind and name; maps merge, most ' +
        'lists append, network interfaces merge by interface or deviceSelector, VLANs by vlanId; ' +
        '"$patch: delete" removes a document, a key or a list element). A list is an RFC 6902 JSON ' +
        'patch, which needs a single-document config. Patches apply in the order given. ' +
        'Comments and key order survive. Nothing is written when a patch fails, and -o refuses to ' +
        'replace an existing file without --force. The output is written with mode 0600 (it holds keys).',
    )
    .argument('<file>', 'machine config to patch')
    .option('-p, --patch <patch>', 'a patch: @file.yaml, a file name, or inline YAML/JSON (repeatable)', collect)
    .option('-o, --output <file>', 'write the patched config to this file instead of standard output')
    .option('--force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl machineconfig patch worker.yaml -p @hostname.yaml -o worker1.yaml\n' +
        `  osctl mc patch cp.yaml -p '[{"op": "add", "path": "/machine/certSANs/-", "value": "10.0.0.10"}]'\n` +
        "  osctl mc patch cp.yaml -p 'machine: {network: {hostname: cp1}}'",
    )
    .action(async (file: string, opts: PatchOptions) => {
      const patches = opts.patch ?? [];
      if (patches.length === 0) throw new UsageError('no patch given: pass -p @patch.yaml (or an inline patch)');
      const text = await readConfigFile(io, file);
      const patched = await applyPatches(text, patches, { cwd: io.cwd, source: file });
      if (opts.output === undefined) {
        io.out(patched);
        return;
      }
      await writeFileAtomic(
        { path: resolve(io.cwd, opts.output), data: patched, mode: 0o600 },
        { force: opts.force === true },
      );
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
