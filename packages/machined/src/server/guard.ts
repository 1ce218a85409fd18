// Wraps every handler of a service so that the authorization check runs before it, whatever its
// streaming kind.
import type { CallContext } from '@bronze/machinery';

type Loose = (input: unknown, ctx: CallContext) => unknown;

interface ServiceShape {
  readonly methods: readonly { readonly localName: string; readonly methodKind: string }[];
}

export function guardHandlers<H extends object>(
  service: ServiceShape,
  handlers: H,
  check: (ctx: CallContext) => void,
): H {
  const loose = handlers as Partial<Record<string, Loose>>;
  const out: Record<string, Loose> = {};
  for (const m of service.methods) {
    const handler = loose[m.localName];
    if (handler === undefined) continue;
    if (m.methodKind === 'server_streaming' || m.methodKind === 'bidi_streaming') {
      out[m.localName] = async function* (input, ctx) {
        check(ctx);
        yield* handler(input, ctx) as AsyncIterable<unknown>;
      };
    } else {
      out[m.localName] = (input, ctx) => {
        check(ctx);
        return handler(input, ctx);
      };
    }
  }
  return out as H;
}
