export { buildProgram, runCli } from './cli.ts';
export { ExitCode, UsageError, isUsageError, processIo } from './io.ts';
export type { Io } from './io.ts';
export { completionCandidates } from './complete.ts';
