import { randomBytes, randomInt } from 'node:crypto';

/** Kubernetes bootstrap token and trustd token form: six, a dot, sixteen of [a-z0-9]. */
export const TokenPattern = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function generateToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/** 32 random bytes as base64: the secretbox/aescbc key and the cluster secret. */
export function generateSecret32(): string {
  return randomBytes(32).toString('base64');
}

/** 32 random bytes as URL-safe base64 with padding: the cluster id, as Talos encodes it. */
export function generateClusterId(): string {
  return randomBytes(32).toString('base64url') + '=';
}

/** Whether `value` is base64 (standard or URL-safe) of exactly 32 bytes. */
export function isBase64Of32Bytes(value: string): boolean {
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return false;
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length === 32;
}
