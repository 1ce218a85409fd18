import { Command } from 'commander';
import {
  type ConfigIssue,
  formatConfigIssue,
  isValidationMode,
  loadConfig,
  validateConfig,
  validationModes,
} from '@bronze/machinery';
import { type Io, UsageError } from '../io.ts';
import { Group } from '../groups.ts';
import { readConfigFile } from './machineconfig-read.ts';

interface ValidateOptions {
  config: string;
  mode: string;
  strict?: boolean;
}

export function validateCommand(io: Io): Command {
  return new Command('validate')
    .summary('validate a machine config')
    .description(
      'Check a machine config file offline, the way a node would before accepting it.\n\n' +
        'Loading is strict: YAML syntax, unknown fields, unknown document kinds, wrong types and duplicate\n' +
        'documents are errors. Validation then checks what is easy to get wrong: CIDRs, URLs (the\n' +
        'control-plane endpoint is https://HOST:PORT), token forms, base64 PEM certificates and keys and\n' +
        'whether each key belongs to its certificate, the secrets a control-plane node needs (etcd CA,\n' +
        'service-account key...), and what the mode needs (metal: an install disk).\n' +
        'Every problem is printed as FILE:LINE:COLUMN: severity: [document] YAML.PATH: message (value).\n' +
        'Exit status: 0 valid, 1 invalid, 2 usage error.',
    )
    .requiredOption('-c, --config <file>', 'the machine config file to validate')
    .requiredOption('-m, --mode <mode>', `the platform the node runs on: ${validationModes.join(', ')}`)
    .option('--strict', 'treat warnings as errors')
    .helpGroup(Group.Config)
    .addHelpText(
      'after',
      '\nExamples:\n  osctl validate -c controlplane.yaml -m metal\n  osctl validate -c worker.yaml -m container --strict',
    )
    .action(async (opts: ValidateOptions) => {
      const mode = opts.mode;
      if (!isValidationMode(mode)) {
        throw new UsageError(`unknown mode "${mode}": use one of ${validationModes.join(', ')}`);
      }
      const text = await readConfigFile(io, opts.config);
      const loaded = loadConfig(text, { source: opts.config });
      let errors: readonly ConfigIssue[] = loaded.errors;
      let warnings: readonly ConfigIssue[] = loaded.warnings;
      if (loaded.config !== undefined) {
        const result = validateConfig(loaded.config, { mode, strict: opts.strict === true });
        errors = result.errors;
        warnings = [...warnings, ...result.warnings];
      }
      for (const w of warnings) io.err(`${formatConfigIssue(w, { severity: 'warning' })}\n`);
      for (const e of errors) io.err(`${formatConfigIssue(e, { severity: 'error' })}\n`);
      if (errors.length > 0) {
        const n = `${String(errors.length)} ${errors.length === 1 ? 'error' : 'errors'}`;
        throw new Error(`${opts.config} is not valid for ${mode} mode: ${n}`);
      }
      io.out(`${opts.config} is valid for ${mode} mode\n`);
    });
}
