import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import fc from 'fast-check';
import {
  ApiError,
  ApiErrorCodes,
  apiErrorCodeOf,
  apiErrorFromStatus,
  isApiError,
  serverStatusOf,
} from './api-error.ts';

class NotFoundError extends Error {
  override readonly name = 'NotFoundError' as const;
}

test('values that are not errors, and unknown errors, become UNKNOWN with their text', () => {
  assert.deepEqual(serverStatusOf('boom'), { code: status.UNKNOWN, details: 'boom' });
  assert.deepEqual(serverStatusOf(undefined), { code: status.UNKNOWN, details: 'unknown error' });
  const wrapped = new Error('cannot read /etc/hostname', { cause: new Error('EACCES') });
  assert.deepEqual(serverStatusOf(wrapped), { code: status.UNKNOWN, details: 'cannot read /etc/hostname: EACCES' });
});

test('a status object with an out-of-range code is not passed through', () => {
  assert.equal(serverStatusOf({ code: 99, details: 'x' }).code, status.UNKNOWN);
});

test('a client error that is not a status becomes unknown, and keeps its cause', () => {
  const cause = new TypeError('bad');
  const err = apiErrorFromStatus(cause, '/machine.MachineService/Version');
  assert.equal(err.code, 'unknown');
  assert.equal(err.cause, cause);
  assert.equal(err.message, '/machine.MachineService/Version: bad');
});

test('domain errors map by name: runtime errors, aborts and timeouts', () => {
  assert.equal(apiErrorCodeOf(new NotFoundError('x')), 'not-found');
  assert.equal(serverStatusOf(new NotFoundError('x')).code, status.NOT_FOUND);
  assert.equal(apiErrorCodeOf(new DOMException('stop', 'AbortError')), 'cancelled');
  assert.equal(apiErrorCodeOf(new DOMException('late', 'TimeoutError')), 'deadline-exceeded');
});

test('a status from a forwarded call passes through unchanged, with its metadata', () => {
  const md = new Metadata();
  md.set('x', 'y');
  const forwarded = Object.assign(new Error('14 UNAVAILABLE: down'), { code: 14, details: 'down', metadata: md });
  assert.deepEqual(serverStatusOf(forwarded), { code: 14, details: 'down', metadata: md });
});

test('every code survives server and client: ApiError -> status -> ApiError', () => {
  const codes = Object.keys(ApiErrorCodes) as (keyof typeof ApiErrorCodes)[];
  fc.assert(
    fc.property(fc.constantFrom(...codes), fc.string({ minLength: 1 }), (code, message) => {
      const sent = serverStatusOf(new ApiError(code, message));
      assert.equal(sent.code, ApiErrorCodes[code]);
      const back = apiErrorFromStatus({ ...sent, message: 'ignored' }, '/p.S/M');
      assert.ok(isApiError(back, code));
      assert.equal(back.message, `/p.S/M: ${message}`);
    }),
  );
});

test('an ApiError received from a forwarded call is sent on with its original details', () => {
  const md = new Metadata();
  md.set('hostname', 'node-2');
  const received = apiErrorFromStatus({ code: status.NOT_FOUND, details: 'no such service', metadata: md }, '/p.S/M');
  assert.equal(received.message, '/p.S/M: no such service');
  assert.deepEqual(serverStatusOf(received), { code: status.NOT_FOUND, details: 'no such service', metadata: md });
});

test('isApiError checks the name and, when given, the code', () => {
  const err = new ApiError('not-found', 'x');
  assert.ok(isApiError(err));
  assert.ok(isApiError(err, 'not-found'));
  assert.ok(!isApiError(err, 'internal'));
  assert.ok(!isApiError(new Error('x')));
  assert.ok(!isApiError({ name: 'ApiError', code: 'not-found' }));
});
