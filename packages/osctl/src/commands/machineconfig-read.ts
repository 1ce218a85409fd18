import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Io } from '../io.ts';

/** Reads a machine config named on the command line; the error names the file as given. */
export async function readConfigFile(io: Io, file: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new Error(`cannot read machine config ${file}`, { cause: err });
  }
}
