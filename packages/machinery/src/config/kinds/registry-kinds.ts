// Registry documents: RegistryMirrorConfig (one per mirrored registry, named by its host).
import { type Infer, array, bool, enumOf, object, string } from '../schema/builder.ts';
import { url } from '../schema/formats.ts';
import { defineKind } from './kind.ts';

const mirrorSchema = object(
  {
    apiVersion: enumOf(['v1alpha1']),
    kind: string(),
    name: string(),
    endpoints: array(object({ url: string(url(['http', 'https'])), overridePath: bool() }, { required: ['url'] })),
    skipFallback: bool(),
  },
  { required: ['apiVersion', 'kind', 'name'] },
);
export type RegistryMirrorConfig = Infer<typeof mirrorSchema>;
export const RegistryMirrorConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'RegistryMirrorConfig',
  named: true,
  schema: mirrorSchema,
});
