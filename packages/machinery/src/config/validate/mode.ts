/** Where the node runs, which changes what a config must hold (metal needs an install disk). */
export const validationModes = ['container', 'metal', 'cloud'] as const;
export type ValidationMode = (typeof validationModes)[number];

export function isValidationMode(value: string): value is ValidationMode {
  return (validationModes as readonly string[]).includes(value);
}
