import { Command, CommanderError } from 'commander';
import { formatErrorChain } from '@bronze/machinery';
import { ExitCode, type Io, isUsageError } from './io.ts';
import { Group } from './groups.ts';
import { versionCommand } from './commands/version.ts';
import { completeCommand, completionCommand } from './commands/completion.ts';
import { plannedCommands } from './commands/planned.ts';
import { genCommand } from './commands/gen.ts';
import { configCommand } from './commands/config.ts';
import { machineconfigCommand } from './commands/machineconfig.ts';
import { validateCommand } from './commands/validate.ts';
import { serviceCommand } from './commands/service.ts';
import { healthCommand } from './commands/health.ts';
import { logsCommand } from './commands/logs.ts';
import { dmesgCommand } from './commands/dmesg.ts';
import { eventsCommand } from './commands/events.ts';
import { clusterCommand } from './commands/cluster.ts';
import { imageCommand } from './commands/image.ts';
import { getCommand } from './commands/get.ts';
import { processesCommand } from './commands/processes.ts';
import { memoryCommand } from './commands/memory.ts';
import { mountsCommand } from './commands/mounts.ts';
import { listCommand } from './commands/list.ts';
import { readCommand } from './commands/read.ts';
import { copyCommand } from './commands/copy.ts';
import { kubeconfigCommand } from './commands/kubeconfig.ts';
import { usageCommand } from './commands/usage.ts';
import { rebootCommand } from './commands/reboot.ts';
import { shutdownCommand } from './commands/shutdown.ts';
import { resetCommand } from './commands/reset.ts';
import { applyConfigCommand } from './commands/apply-config.ts';
import { editCommand } from './commands/edit.ts';
import { patchCommand } from './commands/patch.ts';
import { bootstrapCommand } from './commands/bootstrap.ts';
import { etcdCommand } from './commands/etcd.ts';
import { containersCommand } from './commands/containers.ts';
import { restartCommand } from './commands/restart.ts';
import { statsCommand } from './commands/stats.ts';

/** Builds the whole command tree. Each command lives in a file of its own under commands/. */
export function buildProgram(io: Io): Command {
  const program = new Command('osctl')
    .description(
      'osctl manages Bronze nodes and clusters through the machine API (mutual TLS, port 50000).\n' +
        'Run "osctl COMMAND --help" for the flags of a command.',
    )
    .showSuggestionAfterError(true)
    .option('--talosconfig <path>', 'client config to use (default: $TALOSCONFIG, then ~/.talos/config)')
    .option('-n, --nodes <nodes>', "target nodes, comma separated or repeated (default: the context's nodes)", collect)
    .option('-e, --endpoints <endpoints>', "API endpoints to connect to (default: the context's endpoints)", collect)
    .option('--context <name>', 'talosconfig context to use (default: the current one)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  const real = [
    versionCommand(io),
    completionCommand(io),
    machineconfigCommand(io),
    genCommand(io),
    configCommand(io),
    validateCommand(io),
    serviceCommand(io),
    logsCommand(io),
    dmesgCommand(io),
    healthCommand(io),
    eventsCommand(io),
    getCommand(io),
    clusterCommand(io),
    imageCommand(io),
    processesCommand(io),
    memoryCommand(io),
    mountsCommand(io),
    listCommand(io),
    readCommand(io),
    copyCommand(io),
    kubeconfigCommand(io),
    usageCommand(io),
    rebootCommand(io),
    shutdownCommand(io),
    resetCommand(io),
    applyConfigCommand(io),
    editCommand(io),
    patchCommand(io),
    bootstrapCommand(io),
    etcdCommand(io),
    containersCommand(io),
    restartCommand(io),
    statsCommand(io),
  ];
  const all = [...real, ...plannedCommands(new Set(real.map((c) => c.name())))];
  const order: readonly string[] = Object.values(Group);
  all.sort((a, b) => order.indexOf(a.helpGroup()) - order.indexOf(b.helpGroup()));
  for (const cmd of all) program.addCommand(cmd);
  program.addCommand(
    completeCommand(io, () => program),
    { hidden: true },
  );
  program.commandsGroup(Group.Other).helpCommand('help [command]', 'print help for a command');
  applyToTree(program, (cmd) => cmd.configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride());
  return program;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function applyToTree(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyToTree(sub, fn);
}

/**
 * Runs osctl with `argv` (without node and script) and returns the exit code:
 * 0 success (and help), 1 a failure while doing the work, 2 a usage error.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCode> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    if (isUsageError(err)) {
      io.err(`error: ${err.message}\n(run with --help for usage)\n`);
      return ExitCode.Usage;
    }
    io.err(`error: ${formatErrorChain(err)}\n`);
    return ExitCode.Failure;
  }
}

function commanderExit(err: CommanderError): ExitCode {
  // Commander has already printed its message (or the help text) through configureOutput.
  switch (err.code) {
    case 'commander.helpDisplayed':
    case 'commander.help':
    case 'commander.version':
      return ExitCode.Ok;
    case 'commander.executeSubCommandAsync':
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Failure;
    default:
      return ExitCode.Usage;
  }
}
