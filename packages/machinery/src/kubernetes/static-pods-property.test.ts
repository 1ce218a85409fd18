// Properties of the flag merge and the service-IP parser, over generated inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { componentArgs } from './static-pods.ts';
import { firstServiceIp } from './service-ip.ts';

const flagName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const flagValue = fc.stringMatching(/^[A-Za-z0-9=,:/.*-]{0,12}$/);

test('componentArgs: every extraArg wins over the default, other defaults stay, names sorted', () => {
  fc.assert(
    fc.property(
      fc.dictionary(flagName, flagValue),
      fc.dictionary(flagName, fc.oneof(flagValue, fc.array(flagValue, { minLength: 1, maxLength: 3 }))),
      (defaults, extra) => {
        const args = componentArgs(defaults, extra);
        const want = new Map<string, string[]>(Object.entries(defaults).map(([k, v]) => [k, [v]]));
        for (const [k, v] of Object.entries(extra)) want.set(k, typeof v === 'string' ? [v] : v);
        const expected = [...want.keys()].sort().flatMap((k) => (want.get(k) ?? []).map((v) => `--${k}=${v}`));
        assert.deepEqual(args, expected);
        const names = args.map((a) => a.slice(2, a.indexOf('=')));
        assert.deepEqual(names, [...names].sort());
      },
    ),
  );
});

test('firstServiceIp: the network address of any IPv4 CIDR plus one', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 31 }), (ip, bits) => {
      const value = ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
      const size = 2 ** (32 - bits);
      const first = Math.floor(value / size) * size + 1;
      const text = [24, 16, 8, 0].map((s) => String(Math.floor(first / 2 ** s) % 256)).join('.');
      assert.equal(firstServiceIp(`${ip}/${String(bits)}`), text);
    }),
  );
});
