/** Input that `gen config` cannot work with (a bad endpoint, name or version); says what to try. */
export class GenerateError extends Error {
  override readonly name = 'GenerateError';
}

export function isGenerateError(err: unknown): err is GenerateError {
  return err instanceof Error && err.name === 'GenerateError';
}
