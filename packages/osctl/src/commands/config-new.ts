import { Command } from 'commander';
import { resolve } from 'node:path';
import { durationFromMs, isRolesError, parseRolesStrict, replyMessages, writeFileAtomic } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { finish, partition } from '../output/node-errors.ts';
import { parseGoDuration } from '../output/units.ts';
import { singleNode, withNodeClient } from './node-command.ts';

interface NewOptions {
  roles: string[];
  crtTtl: string;
  force?: boolean;
}

function roles(values: string[]): string[] {
  try {
    return parseRolesStrict(values);
  } catch (err) {
    if (isRolesError(err)) throw new UsageError(`--roles: ${err.message}`);
    throw err;
  }
}

export function configNewCommand(io: Io): Command {
  return new Command('new')
    .summary('get a new client config from a node')
    .description(
      'Ask the target node (GenerateClientConfiguration, admin only) for a talosconfig with a fresh ' +
        'client certificate holding --roles and valid for --crt-ttl, and write it to PATH (default ' +
        'talosconfig) with mode 0600. An existing file is kept unless --force.',
    )
    .argument('[path]', 'where to write the talosconfig', 'talosconfig')
    .option('--roles <roles...>', 'roles of the certificate (os:admin, os:operator, os:reader, ...)', ['os:admin'])
    .option('--crt-ttl <d>', 'how long the certificate is valid', '87600h')
    .option('--force', 'replace PATH if it exists')
    .action(async (path: string, opts: NewOptions, cmd: Command) => {
      const wanted = roles(opts.roles);
      const ttl = parseGoDuration(opts.crtTtl);
      if (ttl === undefined || ttl <= 0)
        throw new UsageError(`--crt-ttl ${JSON.stringify(opts.crtTtl)}: give a duration such as 24h`);
      const target = resolve(io.cwd, path);
      await withNodeClient(cmd, io, async (client, signal) => {
        singleNode(client.targets, 'config new');
        const request = { roles: wanted, crtTtl: durationFromMs(ttl) };
        const results = replyMessages(
          await client.each((o) => client.machine.generateClientConfiguration(request, o), { signal }),
        );
        const [reply] = partition(io, results);
        finish(results, 1);
        if (reply === undefined) throw new Error('the node sent no client configuration');
        await writeFileAtomic(
          { path: target, data: Buffer.from(reply.value.talosconfig), mode: 0o600 },
          { force: opts.force === true },
        );
        io.out(`wrote ${target} (roles ${wanted.join(', ')}, valid for ${opts.crtTtl})\n`);
      });
    });
}
