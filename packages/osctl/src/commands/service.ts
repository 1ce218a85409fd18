import { Command } from 'commander';
import { replyMessages, type CallOptions, type NodeClient, type NodeResult } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition } from '../output/node-errors.ts';
import { formatServiceList, formatServiceStatus } from '../output/service-output.ts';
import { formatTable } from '../output/table.ts';
import { nowOf, withNodeClient } from './node-command.ts';

const actions = ['start', 'stop', 'restart', 'status'] as const;
type Action = (typeof actions)[number];

async function list(client: NodeClient, io: Io, signal: AbortSignal, id?: string): Promise<void> {
  const results = replyMessages(await client.each((o) => client.machine.serviceList({}, o), { signal }));
  const ok = partition(io, results);
  if (id === undefined) {
    const rows = ok.flatMap(({ node, value }) => value.services.map((service) => ({ node, service })));
    io.out(formatServiceList(rows, nowOf(io)));
    finish(results, client.targets.length);
    return;
  }
  const failures: NodeResult<unknown>[] = [...results];
  ok.forEach(({ node, value }, i) => {
    const service = value.services.find((s) => s.id === id);
    if (service === undefined) {
      const error = new Error(`service "${id}" is not registered on the node: see "osctl services"`);
      io.err(`${node}: ${error.message}\n`);
      failures.push({ node, ok: false, error });
      return;
    }
    io.out((i > 0 ? '\n' : '') + formatServiceStatus(node, service, nowOf(io)));
  });
  finish(failures, client.targets.length);
}

type Reply = Promise<{ messages: { resp: string; metadata?: unknown }[] }>;

async function control(
  client: NodeClient,
  io: Io,
  signal: AbortSignal,
  id: string,
  action: Exclude<Action, 'status'>,
): Promise<void> {
  const m = client.machine;
  const call = (o: CallOptions): Reply =>
    action === 'start'
      ? m.serviceStart({ id }, o)
      : action === 'stop'
        ? m.serviceStop({ id }, o)
        : m.serviceRestart({ id }, o);
  const results = replyMessages(await client.each(call, { signal }));
  const ok = partition(io, results);
  io.out(
    formatTable(
      ['NODE', 'RESPONSE'],
      ok.map(({ node, value }) => [node, value.resp]),
    ),
  );
  finish(results, client.targets.length);
}

export function serviceCommand(io: Io): Command {
  return new Command('service')
    .aliases(['services'])
    .summary('list, inspect and control services')
    .description(
      'Without arguments, list the services of every target node with their state and health. ' +
        'With an ID, show that service (status, the default) or start, stop or restart it.',
    )
    .argument('[id]', 'service id (see the list)')
    .argument('[action]', `one of ${actions.join(', ')} (default: status)`)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl services\n' +
        '  osctl service etcd\n' +
        '  osctl service kubelet restart -n 10.5.0.3\n',
    )
    .helpGroup(Group.Node)
    .action(async (id: string | undefined, action: string | undefined, _opts: unknown, cmd: Command) => {
      const act = (action ?? 'status') as Action;
      if (!actions.includes(act)) {
        throw new UsageError(`unknown action "${action ?? ''}": use one of ${actions.join(', ')}`);
      }
      await withNodeClient(cmd, io, async (client, signal) => {
        if (act === 'status') await list(client, io, signal, id);
        else if (id !== undefined) await control(client, io, signal, id, act);
      });
    });
}
