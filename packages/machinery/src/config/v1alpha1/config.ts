// The v1alpha1 document: `version: v1alpha1`, `debug`, `persist`, `machine`, `cluster`.
import { type Infer, bool, deprecated, enumOf, object } from '../schema/builder.ts';
import { cluster } from './cluster.ts';
import { machine } from './machine.ts';

export const v1alpha1Schema = object(
  {
    version: enumOf(['v1alpha1']),
    debug: bool(),
    persist: deprecated(bool(), 'nothing: the config is always persisted'),
    machine,
    cluster,
  },
  { required: ['version'] },
);

export type V1Alpha1Config = Infer<typeof v1alpha1Schema>;
export type MachineConfig = NonNullable<V1Alpha1Config['machine']>;
export type ClusterConfig = NonNullable<V1Alpha1Config['cluster']>;
