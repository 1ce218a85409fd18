// Version: the running build's tag.
import { exclusive, type Controller } from '@bronze/runtime';
import { VersionTag } from '@bronze/machinery';
import { Version, VersionId } from '../resources/runtime-resources.ts';

export function versionController(tag: string = VersionTag): Controller {
  return {
    name: 'runtime.VersionController',
    inputs: [],
    outputs: [exclusive(Version)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        await ctx.modify({ type: Version, id: VersionId }, (spec) => {
          spec.version = tag;
        });
      }
    },
  };
}
