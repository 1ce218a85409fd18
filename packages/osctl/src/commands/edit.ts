import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { isApiError } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import {
  addLiveApplyFlags,
  checkResourceName,
  fetchMachineConfig,
  liveApplier,
  type LiveApplyFlags,
} from './live-config.ts';
import { withNodeClient } from './node-command.ts';

const Header =
  '# Edit the machine config below; it is applied when you save and quit the editor.\n' +
  '# An unchanged file applies nothing. An invalid config brings you back here with the errors;\n' +
  '# quitting without changes then aborts.\n';

export function editCommand(io: Io): Command {
  const cmd = new Command('edit')
    .summary('edit the machine config of a node in $EDITOR')
    .description(
      'Read the machine config the node runs, open it in $VISUAL or $EDITOR (vi when neither is ' +
        'set) in a private temp file, and apply it with --mode when the editor exits. An unchanged ' +
        'file applies nothing. When the node refuses the config (validation issues, a field that ' +
        'cannot change live), the editor opens again with the errors on top; quit it without ' +
        'changes to abort. One node at a time.',
    )
    .argument('<resource>', 'machineconfig (or mc)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl edit machineconfig -n 10.5.0.2\n' +
        '  EDITOR=nano osctl edit mc -n 10.5.0.2 --mode try --timeout 5m\n',
    )
    .helpGroup(Group.Node);
  return addLiveApplyFlags(cmd).action(async (resource: string, flags: LiveApplyFlags, command: Command) => {
    checkResourceName(resource);
    const apply = liveApplier(flags);
    const editor = io.env.VISUAL ?? io.env.EDITOR ?? 'vi';
    await withNodeClient(command, io, async (client, signal) => {
      if (client.targets.length > 1) throw new UsageError('edit works on one node at a time: pass a single -n');
      const [fetched] = await client.each((o) => fetchMachineConfig(client, o), { signal });
      if (fetched === undefined || !fetched.ok) throw fetched?.error ?? new Error('no node answered');
      const { node, value: original } = fetched;
      const dir = await mkdtemp(join(tmpdir(), 'osctl-edit-'));
      try {
        const file = join(dir, 'machineconfig.yaml');
        let prefix = Header;
        let body = original;
        for (;;) {
          const shown = `${prefix}${body}`;
          await writeFile(file, shown, { mode: 0o600 });
          await runEditor(editor, file, { signal, env: { ...process.env, ...io.env } });
          const saved = await readFile(file, 'utf8');
          const edited = saved.startsWith(prefix) ? saved.slice(prefix.length) : saved;
          if (edited === original) {
            io.out(`${node}: no changes: nothing was applied\n`);
            return;
          }
          if (saved === shown && prefix !== Header) {
            throw new Error('edit aborted: the editor was closed without changes after an error');
          }
          const [result] = await client.each((o) => apply(client, edited, o), { signal });
          if (result?.ok === true) {
            for (const w of result.value.warnings) io.err(`${node}: warning: ${w}\n`);
            io.out(`${node}: ${result.value.details || 'applied the edited machine config'}\n`);
            return;
          }
          const error = result?.error ?? new Error('no node answered');
          if (!isApiError(error, 'invalid-argument')) throw error;
          io.err(`${node}: the config was refused; reopening the editor:\n${error.message}\n`);
          prefix = `${Header}${errorComment(error.message)}`;
          body = edited;
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}

async function runEditor(
  editor: string,
  file: string,
  options: { signal: AbortSignal; env: NodeJS.ProcessEnv },
): Promise<void> {
  const { signal, env } = options;
  // Through the shell, as git and kubectl do: EDITOR may carry arguments ("code --wait").
  const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit', signal, env });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0)
    throw new Error(`the editor ${JSON.stringify(editor)} exited with ${String(code)}; nothing was applied`);
}

function errorComment(message: string): string {
  return `${message
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n')}\n`;
}
