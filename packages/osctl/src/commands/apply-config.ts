import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  applyPatches,
  durationFromMs,
  machineApi,
  nodesMetadata,
  normalizeFingerprint,
  openInsecureNodeClient,
  parseEndpoint,
  replyMessages,
  type CallOptions,
  type NodeClient,
  type NodeResult,
} from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { Group } from '../groups.ts';
import { failIfAny, printNodeError } from '../output/node-errors.ts';
import { parseGoDuration } from '../output/units.ts';
import { interruptSignal, targetFlags, withNodeClient } from './node-command.ts';

export const modes = {
  auto: machineApi.ApplyConfigurationRequest_Mode.AUTO,
  'no-reboot': machineApi.ApplyConfigurationRequest_Mode.NO_REBOOT,
  reboot: machineApi.ApplyConfigurationRequest_Mode.REBOOT,
  staged: machineApi.ApplyConfigurationRequest_Mode.STAGED,
  try: machineApi.ApplyConfigurationRequest_Mode.TRY,
} as const;

interface ApplyOptions {
  file?: string;
  configPatch?: string[];
  insecure?: boolean;
  mode: keyof typeof modes;
  dryRun?: boolean;
  timeout: string;
  untilHealthy?: boolean;
  certFingerprint?: string[];
}

type ApplyReply = NodeResult<machineApi.ApplyConfiguration>;
type ApplyRequest = Parameters<NodeClient['machine']['applyConfiguration']>[0];

export function printReplies(io: Io, results: readonly ApplyReply[]): number {
  let failed = 0;
  for (const r of results) {
    if (!r.ok) {
      failed++;
      printNodeError(io, r.node, r.error);
      continue;
    }
    for (const w of r.value.warnings) io.err(`${r.node}: warning: ${w}\n`);
    io.out(`${r.node}: ${r.value.modeDetails || 'applied the configuration'}\n`);
  }
  return failed;
}

async function readConfig(io: Io, opts: ApplyOptions, signal: AbortSignal): Promise<Uint8Array> {
  if (opts.file === undefined) throw new UsageError('no config given: pass -f FILE');
  const path = resolve(io.cwd, opts.file);
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal });
  } catch (err) {
    throw new Error(`failed to read the machine config ${path}`, { cause: err });
  }
  const patches = opts.configPatch ?? [];
  const patched =
    patches.length === 0 ? text : await applyPatches(text, patches, { cwd: io.cwd, source: path, signal });
  return Buffer.from(patched);
}

/** Metadata `bronze-until-healthy: true`: the health-gated try (docs/NODE.md); the proto stays Talos's. */
export const UntilHealthyKey = 'bronze-until-healthy';

/** Call options with the until-healthy flag added when asked. */
export function withUntilHealthy(o: CallOptions, untilHealthy: boolean): CallOptions {
  if (!untilHealthy) return o;
  const metadata = o.metadata?.clone() ?? nodesMetadata([]);
  metadata.set(UntilHealthyKey, 'true');
  return { ...o, metadata };
}

async function applyOn(
  client: NodeClient,
  request: ApplyRequest,
  options: { signal: AbortSignal; untilHealthy: boolean },
): Promise<ApplyReply[]> {
  return replyMessages(
    await client.each((o) => client.machine.applyConfiguration(request, withUntilHealthy(o, options.untilHealthy)), {
      signal: options.signal,
    }),
  );
}

/** Maintenance mode: no CA yet, so each node is dialled directly with TLS and no client certificate. */
async function applyInsecure(
  cmd: Command,
  io: Io,
  request: ApplyRequest,
  options: { untilHealthy: boolean; certFingerprints: string[] },
): Promise<void> {
  const { untilHealthy, certFingerprints } = options;
  const nodes = targetFlags(cmd).nodes ?? [];
  if (nodes.length === 0) throw new UsageError('--insecure needs the nodes to configure: pass -n ADDRESS');
  const { signal, release } = interruptSignal(io);
  try {
    const results = await Promise.all(
      nodes.map(async (node): Promise<ApplyReply[]> => {
        try {
          const client = await openInsecureNodeClient(parseEndpoint(node), { signal, certFingerprints });
          try {
            return (await applyOn(client, request, { signal, untilHealthy })).map((r) => ({ ...r, node }));
          } finally {
            client.close();
          }
        } catch (err) {
          return [{ node, ok: false, error: err instanceof Error ? err : new Error(String(err)) }];
        }
      }),
    );
    failIfAny(printReplies(io, results.flat()), nodes.length);
  } finally {
    release();
  }
}

export function applyConfigCommand(io: Io): Command {
  return new Command('apply-config')
    .aliases(['apply'])
    .summary('apply a new machine config to a node')
    .description(
      'Send the machine config in FILE (patched with -p, in order) to every target node. ' +
        'Modes: auto (the node decides; today no-reboot), no-reboot, reboot (maintenance mode only), ' +
        'staged (takes effect at the next boot), try (rolls back after --timeout unless applied again). ' +
        '--dry-run shows what would change. --insecure talks to a node in maintenance mode, which has ' +
        'no config and so no CA: TLS without a client certificate, straight to each -n address.',
    )
    .option('-f, --file <file>', 'the machine config to apply')
    .option('-p, --config-patch <patch>', 'a patch: @file.yaml, a file name or inline YAML/JSON (repeatable)', collect)
    .option('-i, --insecure', 'apply to a node in maintenance mode (no client certificate)')
    .addOption(new Option('-m, --mode <mode>', 'how to apply').choices(Object.keys(modes)).default('auto'))
    .option('--dry-run', 'check the config and show what would change, without applying')
    .option('--timeout <d>', 'with --mode try, roll back after this long', '1m')
    .option(
      '--cert-fingerprint <sha256>',
      'with --insecure, accept only a server certificate with this SHA-256 fingerprint (hex, colons optional; repeatable)',
      collect,
    )
    .option(
      '--until-healthy',
      'with --mode try, also roll back as soon as the node is unhealthy (MachineStatus not ready or a service unhealthy) within --timeout',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  osctl apply-config --insecure -n 10.5.0.2 -f controlplane.yaml   # a node in maintenance mode\n' +
        '  osctl apply-config -n 10.5.0.2 -f controlplane.yaml -p @hostname.yaml --dry-run\n' +
        '  osctl apply-config -n 10.5.0.2 -f controlplane.yaml --mode try --timeout 2m\n' +
        '  osctl apply-config -n 10.5.0.2 -f controlplane.yaml --mode try --timeout 5m --until-healthy\n',
    )
    .helpGroup(Group.Node)
    .action(async (opts: ApplyOptions, cmd: Command) => {
      const timeout = parseGoDuration(opts.timeout);
      if (timeout === undefined)
        throw new UsageError(`--timeout ${JSON.stringify(opts.timeout)}: give a duration such as 1m`);
      const untilHealthy = opts.untilHealthy === true;
      if (opts.certFingerprint !== undefined && opts.insecure !== true) {
        throw new UsageError('--cert-fingerprint checks a maintenance-mode node: use it with --insecure');
      }
      if (untilHealthy && opts.mode !== 'try') throw new UsageError('--until-healthy needs --mode try');
      const { signal, release } = interruptSignal(io);
      let data: Uint8Array;
      try {
        data = await readConfig(io, opts, signal);
      } finally {
        release();
      }
      const request: ApplyRequest = {
        data,
        mode: modes[opts.mode],
        dryRun: opts.dryRun === true,
        ...(opts.mode === 'try' ? { tryModeTimeout: durationFromMs(timeout) } : {}),
      };
      if (opts.insecure === true) {
        await applyInsecure(cmd, io, request, { untilHealthy, certFingerprints: fingerprints(opts) });
        return;
      }
      await withNodeClient(cmd, io, async (client, sig) => {
        failIfAny(
          printReplies(io, await applyOn(client, request, { signal: sig, untilHealthy })),
          client.targets.length,
        );
      });
    });
}

function fingerprints(opts: ApplyOptions): string[] {
  return (opts.certFingerprint ?? []).map((f) => {
    const hex = normalizeFingerprint(f);
    if (hex === undefined)
      throw new UsageError(`--cert-fingerprint ${JSON.stringify(f)}: give the SHA-256 of the certificate in hex`);
    return hex;
  });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
