import { join, resolve } from 'node:path';
import { writeFilesAtomic, type OutputFile } from '../secrets/output-files.ts';
import { generateConfigs, type GenerateConfigOptions, type GeneratedConfigs } from './generate-configs.ts';
import { GenerateError } from './generate-error.ts';

export const OutputTypes = ['controlplane', 'worker', 'talosconfig'] as const;
export type OutputType = (typeof OutputTypes)[number];

const fileNames: Record<OutputType, string> = {
  controlplane: 'controlplane.yaml',
  worker: 'worker.yaml',
  talosconfig: 'talosconfig',
};

/** Parses `--output-types` values (repeatable, comma-separated); unknown types are a GenerateError. */
export function parseOutputTypes(values: readonly string[]): OutputType[] {
  const types = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const unknown = types.filter((t) => !(OutputTypes as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new GenerateError(
      `invalid output type ${unknown.map((u) => JSON.stringify(u)).join(', ')}: valid types are ${OutputTypes.join(', ')}`,
    );
  }
  if (types.length === 0) throw new GenerateError('at least one output type must be given');
  return [...new Set(types)] as OutputType[];
}

export interface WriteConfigsOptions {
  types?: readonly OutputType[];
  /**
   * With several types, a directory (default: `cwd`). With one type, the file to write, or "-"
   * for standard output — as talosctl treats -o.
   */
  output?: string;
  cwd: string;
  force?: boolean;
  signal?: AbortSignal;
}

export type WriteConfigsResult = { kind: 'files'; paths: string[] } | { kind: 'stdout'; text: string };

/**
 * Writes the chosen outputs, all or nothing, every file 0600 (each holds keys or tokens). Without
 * `force`, an existing file stops the write before anything is written.
 */
export async function writeGeneratedConfigs(
  configs: GeneratedConfigs,
  options: WriteConfigsOptions,
): Promise<WriteConfigsResult> {
  const types = options.types ?? OutputTypes;
  if (options.output === '-') {
    const [only] = types;
    if (types.length !== 1 || only === undefined)
      throw new GenerateError('-o - (stdout) needs exactly one output type');
    return { kind: 'stdout', text: configs[only] };
  }
  const single = types.length === 1 && options.output !== undefined && options.output !== '';
  const files: OutputFile[] = types.map((type) => ({
    path: single
      ? resolve(options.cwd, options.output ?? '')
      : join(resolve(options.cwd, options.output ?? ''), fileNames[type]),
    data: configs[type],
    mode: 0o600,
  }));
  await writeFilesAtomic(files, {
    ...(options.force === undefined ? {} : { force: options.force }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { kind: 'files', paths: files.map((f) => f.path) };
}

/** `gen config` end to end (generate, then write): what the benchmark times. */
export async function genConfig(
  options: GenerateConfigOptions,
  write: WriteConfigsOptions,
): Promise<WriteConfigsResult> {
  return writeGeneratedConfigs(await generateConfigs(options), write);
}
