import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '@bronze/machinery';
import { containerPlatform } from '../platform/container-platform.ts';
import { processPlatform } from '../platform/process-platform.ts';
import { lifecycleHandlers } from './lifecycle-handlers.ts';
import type { NodeApi } from './node-api.ts';

// Only what the refusals read: they must answer before touching the node.
function nodeOn(platform: NodeApi['platform']): NodeApi {
  return { platform } as unknown as NodeApi;
}

async function call(fn: (() => unknown) | undefined): Promise<unknown> {
  assert.ok(fn !== undefined);
  return await Promise.resolve().then(fn);
}

test('reboot and upgrade say they are not supported on the container platform', async () => {
  const h = lifecycleHandlers(nodeOn(containerPlatform({ address: '10.5.0.2', env: {} })));
  await assert.rejects(
    call(() => h.reboot?.({} as never, {} as never)),
    (err: unknown) =>
      isApiError(err, 'unimplemented') && /container platform: restart the node container/.test(err.message),
  );
  await assert.rejects(
    call(() => h.upgrade?.({} as never, {} as never)),
    (err: unknown) =>
      isApiError(err, 'unimplemented') && /upgrade is not supported on the container platform/.test(err.message),
  );
});

test('upgrade names the process platform too', async () => {
  const h = lifecycleHandlers(nodeOn(processPlatform({ stateDir: '/tmp/n', address: '127.0.1.2' })));
  await assert.rejects(
    call(() => h.upgrade?.({} as never, {} as never)),
    (err: unknown) => isApiError(err, 'unimplemented') && /process platform/.test(err.message),
  );
});
