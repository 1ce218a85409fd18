import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { eventTypeName, describeEvent } from '../output/event-output.ts';
import { failIfAny, printNodeError } from '../output/node-errors.ts';
import { parseGoDuration } from '../output/units.ts';
import { withNodeClient } from './node-command.ts';
import { UsageError } from '../io.ts';

function tailEvents(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^-?\d+$/.test(text) || Number(text) < -1) {
    throw new UsageError(`--tail ${JSON.stringify(text)}: give a number of events (-1 for all kept)`);
  }
  return Number(text);
}

function tailSeconds(text: string | undefined): number {
  if (text === undefined) return 0;
  const ms = parseGoDuration(text);
  if (ms === undefined)
    throw new UsageError(`--duration ${JSON.stringify(text)}: give a duration such as 30s, 5m or 1h`);
  return Math.ceil(ms / 1000);
}

export function eventsCommand(io: Io): Command {
  return new Command('events')
    .summary('stream runtime events')
    .description(
      'Stream the runtime events of every target node (sequences, phases, tasks, service states, ' +
        'machine status) until Ctrl-C. By default only new events print; --tail, --since and --duration ' +
        'replay kept ones first.',
    )
    .option('--tail <n>', 'replay the last N events (-1: all kept)')
    .option('--since <id>', 'replay the events after the one with this ID')
    .option('--duration <d>', 'replay the events of the last D (30s, 5m, 1h)')
    .option('--actor-id <id>', 'only events caused by this actor (a reboot, an apply...)')
    .helpGroup(Group.Node)
    .action(async (opts: { tail?: string; since?: string; duration?: string; actorId?: string }, cmd: Command) => {
      const request = {
        tailEvents: tailEvents(opts.tail),
        tailId: opts.since ?? '',
        tailSeconds: tailSeconds(opts.duration),
        withActorId: opts.actorId ?? '',
      };
      await withNodeClient(cmd, io, async (client, signal) => {
        const failed = new Set<string>();
        const width = Math.max(4, ...client.targets.map((t) => t.node.length)) + 3;
        io.out(`${'NODE'.padEnd(width)}${'TYPE'.padEnd(29)}${'ID'.padEnd(29)}EVENT\n`);
        for await (const item of client.stream((o) => client.machine.events(request, o), { signal })) {
          if (!item.ok) {
            failed.add(item.node);
            printNodeError(io, item.node, item.error);
            continue;
          }
          const e = item.value;
          const row = `${item.node.padEnd(width)}${eventTypeName(e.data).padEnd(29)}${e.id.padEnd(29)}${describeEvent(e.data)}`;
          io.out(`${row.trimEnd()}\n`);
        }
        failIfAny(failed.size, client.targets.length);
      });
    });
}
