import { Command, Option } from 'commander';
import {
  decodeResource,
  resolveDefinition,
  type CallOptions,
  type NodeClient,
  type RemoteDefinition,
} from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import { finish, partition, failIfAny, printNodeError } from '../output/node-errors.ts';
import {
  parseOutputFormat,
  formatResources,
  WatchPrinter,
  type NodeResource,
  type OutputFormat,
  type WatchEventKind,
} from '../output/resource-output.ts';
import { withNodeClient } from './node-command.ts';

interface GetOptions {
  output: OutputFormat;
  watch?: boolean;
  namespace?: string;
}

async function readNode(
  client: NodeClient,
  query: { type: string; id: string | undefined; namespace: string | undefined },
  o: CallOptions,
  node: string,
): Promise<{ definition: RemoteDefinition; items: NodeResource[] }> {
  const definition = await resolveDefinition(client.state, query.type, o);
  const namespace = query.namespace ?? definition.defaultNamespace;
  const kind = { namespace, type: definition.type };
  if (query.id !== undefined) {
    const reply = await client.state.get({ ...kind, id: query.id }, o);
    const items = reply.resource === undefined ? [] : [{ node, definition, resource: decodeResource(reply.resource) }];
    return { definition, items };
  }
  const items: NodeResource[] = [];
  for await (const r of client.state.list(kind, o)) {
    if (r.resource !== undefined) items.push({ node, definition, resource: decodeResource(r.resource) });
  }
  return { definition, items };
}

const eventKinds: Partial<Record<number, WatchEventKind>> = { 0: 'created', 1: 'updated', 2: 'destroyed' };

async function* watchNode(
  client: NodeClient,
  query: { type: string; id: string | undefined; namespace: string | undefined },
  o: CallOptions,
  node: string,
): AsyncGenerator<NodeResource> {
  const definition = await resolveDefinition(client.state, query.type, o);
  const request: Parameters<typeof client.state.watch>[0] = {
    namespace: query.namespace ?? definition.defaultNamespace,
    type: definition.type,
    options: { bootstrapContents: true },
    apiVersion: 1,
    ...(query.id === undefined ? {} : { id: query.id }),
  };
  for await (const reply of client.state.watch(request, o)) {
    for (const e of reply.event) {
      const event = eventKinds[e.eventType];
      if (e.eventType === 4) throw new Error(`watch failed on the node: ${e.error ?? 'unknown error'}`);
      if (event === undefined || e.resource === undefined) continue;
      yield { node, definition, resource: decodeResource(e.resource), event };
    }
  }
}

async function watch(
  client: NodeClient,
  io: Io,
  query: Parameters<typeof watchNode>[1],
  opts: GetOptions,
  signal: AbortSignal,
) {
  const failed = new Set<string>();
  const printer = new WatchPrinter(opts.output);
  for await (const item of client.stream((o, node) => watchNode(client, query, o, node), { signal })) {
    if (!item.ok) {
      failed.add(item.node);
      printNodeError(io, item.node, item.error);
      continue;
    }
    io.out(printer.format(item.value));
  }
  failIfAny(failed.size, client.targets.length);
}

function outputFormat(text: string): OutputFormat {
  const parsed = parseOutputFormat(text);
  if ('error' in parsed) throw new UsageError(parsed.error);
  return parsed;
}

export function getCommand(io: Io): Command {
  return new Command('get')
    .aliases(['g'])
    .summary('read resources from a node')
    .description(
      'Read resources of TYPE (a full type such as MachineStatuses.runtime.talos.dev, its singular, ' +
        'plural or an alias; "osctl get rd" lists them all) from every target node, one or all of them. ' +
        'Tables show the columns the type defines; -w keeps printing changes until Ctrl-C.',
    )
    .argument('<type>', 'resource type, singular, plural or alias')
    .argument('[id]', 'only the resource with this id')
    .addOption(
      new Option('-o, --output <format>', 'table, yaml, json or jsonpath={.spec.FIELD}')
        .argParser(outputFormat)
        .default({ kind: 'table' }, 'table'),
    )
    .option('-w, --watch', 'print changes as they happen until Ctrl-C')
    .option('--namespace <ns>', "the namespace to read (default: the type's own)")
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl get rd                                   # every resource type the node knows\n' +
        '  osctl get machinestatus -n 10.5.0.2,10.5.0.3\n' +
        '  osctl get hostname -o yaml\n' +
        '  osctl get services -w                          # until Ctrl-C\n' +
        "  osctl get members -o 'jsonpath={.spec.hostname}'\n",
    )
    .helpGroup(Group.Node)
    .action(async (type: string, id: string | undefined, opts: GetOptions, cmd: Command) => {
      const query = { type, id, namespace: opts.namespace };
      await withNodeClient(cmd, io, async (client, signal) => {
        if (opts.watch === true) {
          await watch(client, io, query, opts, signal);
          return;
        }
        const results = await client.each((o, node) => readNode(client, query, o, node), { signal });
        const ok = partition(io, results);
        const [firstNode] = ok;
        if (firstNode !== undefined) {
          const items = ok.flatMap((r) => r.value.items);
          io.out(formatResources(items, opts.output, firstNode.value.definition));
        }
        finish(results, client.targets.length);
      });
    });
}
