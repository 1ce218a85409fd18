// The multi-call entry point (/sbin/init in the image): the role is the name it was started as
// (machined, apid, trustd) or, in a checkout, its first argument (docs/NODE.md).
import { basename } from 'node:path';
import { apidMain } from './apid/apid-main.ts';
import { isUsageError } from './machined/args.ts';
import { runMachined } from './machined/run-machined.ts';
import { trustdMain } from './trustd/trustd-main.ts';

type Entry = (argv: readonly string[]) => Promise<number>;

const roles: Readonly<Record<string, Entry>> = {
  machined: runMachined,
  init: runMachined,
  apid: apidMain,
  trustd: trustdMain,
};

async function main(argv: readonly string[]): Promise<number> {
  // An explicit role as the first argument wins (`/sbin/init apid ...` is how machined starts its
  // children from the image bundle); otherwise the name we were started as (`/sbin/apid`, `init`).
  const first = argv[2];
  const invoked = basename(argv[1] ?? '').replace(/\.ts$/, '');
  const [role, rest] =
    first !== undefined && Object.hasOwn(roles, first)
      ? [first, argv.slice(3)]
      : Object.hasOwn(roles, invoked)
        ? [invoked, argv.slice(2)]
        : [undefined, []];
  const entry = role === undefined ? undefined : roles[role];
  if (entry === undefined) {
    process.stderr.write(`usage: main.ts machined|apid|trustd --state-dir DIR --address IP [--config FILE]\n`);
    return 2;
  }
  try {
    return await entry(rest);
  } catch (err) {
    if (isUsageError(err)) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    process.stderr.write(`${role}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

// Once the role's entry has returned, its work is done and stopped gracefully: exit now rather than
// wait for stray handles (a client's idle connection, a timer) to let go.
process.exit(await main(process.argv));
