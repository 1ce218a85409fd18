// A controller for 1:1 mappings written as data: each input resource that `map` names an output
// for gets that output, kept in step by `transform`; outputs whose input is gone are cleaned up.
import { exclusive, strong, weak, type Controller, type ControllerContext, type Input } from './controller.ts';
import type { ResourceType } from './definition.ts';
import { Phase, type Resource } from './resource.ts';

export interface TransformControllerOptions<I, O> {
  name: string;
  input: ResourceType<I>;
  output: ResourceType<O>;
  /** The id of the output for an input, or undefined for none. */
  map: (input: Resource<I>) => string | undefined;
  /** Fills the output spec (a copy of the current one, or the empty spec) from the input. */
  transform: (input: Resource<I>, output: O, ctx: ControllerContext) => void | Promise<void>;
  inputNamespace?: string;
  outputNamespace?: string;
  /**
   * Hold a finalizer on each mapped input until its output is destroyed, so that tearing the
   * input down waits for the output to go (the input becomes a strong input).
   */
  inputFinalizers?: boolean;
  /** More inputs `transform` reads (through ctx); their changes re-run every mapping. */
  extraInputs?: readonly Input[];
}

export function transformController<I, O>(options: TransformControllerOptions<I, O>): Controller {
  const { input, output, map, transform } = options;
  const finalizers = options.inputFinalizers ?? false;
  const inKind = input.kind(options.inputNamespace);
  const outKind = output.kind(options.outputNamespace);
  const decl = finalizers ? strong : weak;
  return {
    name: options.name,
    inputs: [decl(inKind), ...(options.extraInputs ?? [])],
    outputs: [exclusive(outKind)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        const released: Resource<I>[] = [];
        for (const res of await ctx.list<I>(inKind)) {
          const id = map(res);
          if (res.metadata.phase === Phase.TearingDown) {
            if (finalizers && res.metadata.finalizers.includes(ctx.name)) released.push(res);
            continue;
          }
          if (id === undefined) continue;
          if (finalizers) await ctx.addFinalizer(res.metadata);
          await ctx.modify({ type: output, id, namespace: outKind.namespace }, (spec) => transform(res, spec, ctx));
        }
        await ctx.cleanupOutputs();
        for (const res of released) {
          const id = map(res);
          const left = id === undefined ? undefined : await ctx.find(outKind, id);
          if (left === undefined || left.metadata.owner !== ctx.name) await ctx.removeFinalizer(res.metadata);
        }
      }
    },
  };
}
