import { Command } from 'commander';
import { Group } from '../groups.ts';

interface Planned {
  name: string;
  aliases?: string[];
  summary: string;
  group: Group;
}

/**
 * Commands that talosctl users expect and that Bronze has not built yet. They appear in help so
 * the shape of the CLI is visible from day one, and fail with exit 1 and a clear message when run.
 * Each entry moves to a file of its own under commands/ when it is implemented.
 */
const planned: Planned[] = [
  { name: 'upgrade', summary: 'upgrade the OS of a node', group: Group.Node },
  { name: 'machineconfig', aliases: ['mc'], summary: 'patch and diff machine configs offline', group: Group.Config },
];

export function plannedCommands(except: ReadonlySet<string>): Command[] {
  return planned
    .filter((p) => !except.has(p.name))
    .map((p) =>
      new Command(p.name)
        .aliases(p.aliases ?? [])
        .summary(`${p.summary} [planned]`)
        .description(`${p.summary}.\n\nThis build of osctl does not implement '${p.name}' yet.`)
        .helpGroup(p.group)
        .allowUnknownOption()
        .allowExcessArguments()
        .action(() => {
          throw new Error(`'osctl ${p.name}' is not implemented in this build of Bronze`);
        }),
    );
}
