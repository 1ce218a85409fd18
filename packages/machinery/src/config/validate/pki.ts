// Certificate and key checks on the base64 PEM pairs of a config, with Node's crypto: does the
// certificate parse, is it a CA, is it within its validity period, does the key belong to it.
import { type KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';

export interface PairProblem {
  readonly field: 'crt' | 'key';
  readonly severity: 'error' | 'warning';
  readonly code: 'invalid-value' | 'key-mismatch' | 'missing-field';
  readonly message: string;
}

export interface PairRules {
  /** What the pair is, for messages: "the OS CA", "the etcd CA". */
  readonly what: string;
  readonly requireKey: boolean;
  /** Default true; false when another field can stand in (accepted CAs on workers). */
  readonly requireCrt?: boolean;
  /** A key must not be there (worker configs must not carry CA keys). */
  readonly keyForbidden?: boolean;
  readonly expectCA?: boolean;
  readonly now?: Date;
}

function problem(field: 'crt' | 'key', code: PairProblem['code'], message: string): PairProblem {
  return { field, severity: 'error', code, message };
}

function pemText(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** Reads a base64 PEM private key, including Talos's `ED25519 PRIVATE KEY` label (PKCS#8 inside). */
export function readPrivateKey(b64: string): KeyObject {
  const text = pemText(b64).replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, '-----$1 PRIVATE KEY-----');
  return createPrivateKey(text);
}

export function readCertificate(b64: string): X509Certificate {
  return new X509Certificate(pemText(b64));
}

function matches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false; // a key of another algorithm than the certificate's
  }
}

export function checkPair(pair: { crt?: string; key?: string } | undefined, rules: PairRules): PairProblem[] {
  const out: PairProblem[] = [];
  const crt = pair?.crt ?? '';
  const key = pair?.key ?? '';
  if (crt === '' && rules.requireCrt !== false) {
    out.push(problem('crt', 'missing-field', `${rules.what} certificate is required; osctl gen secrets creates one`));
  }
  if (key === '' && rules.requireKey) {
    out.push(problem('key', 'missing-field', `${rules.what} private key is required on control-plane nodes`));
  }
  if (key !== '' && rules.keyForbidden === true) {
    out.push(
      problem(
        'key',
        'invalid-value',
        `${rules.what} private key is not allowed on worker nodes: remove it (keep key: "")`,
      ),
    );
  }
  let cert: X509Certificate | undefined;
  let priv: KeyObject | undefined;
  if (crt !== '') {
    try {
      cert = readCertificate(crt);
    } catch (err) {
      out.push({
        field: 'crt',
        severity: 'error',
        code: 'invalid-value',
        message: `${rules.what} certificate cannot be parsed: ${reason(err)}`,
      });
    }
  }
  if (key !== '') {
    try {
      priv = readPrivateKey(key);
    } catch (err) {
      out.push({
        field: 'key',
        severity: 'error',
        code: 'invalid-value',
        message: `${rules.what} private key cannot be parsed: ${reason(err)}`,
      });
    }
  }
  if (cert !== undefined) out.push(...certificateProblems(cert, rules));
  if (cert !== undefined && priv !== undefined && !matches(cert, priv)) {
    out.push({
      field: 'key',
      severity: 'error',
      code: 'key-mismatch',
      message: `${rules.what} private key does not match its certificate: put the key that was issued with this certificate`,
    });
  }
  return out;
}

function certificateProblems(cert: X509Certificate, rules: PairRules): PairProblem[] {
  const out: PairProblem[] = [];
  const now = rules.now ?? new Date();
  if (new Date(cert.validTo) < now) {
    out.push({
      field: 'crt',
      severity: 'error',
      code: 'invalid-value',
      message: `${rules.what} certificate expired on ${new Date(cert.validTo).toISOString()}; rotate it`,
    });
  } else if (new Date(cert.validFrom) > now) {
    out.push({
      field: 'crt',
      severity: 'warning',
      code: 'invalid-value',
      message: `${rules.what} certificate is not valid before ${new Date(cert.validFrom).toISOString()}; check the clock`,
    });
  }
  if (rules.expectCA === true && !cert.ca) {
    out.push({
      field: 'crt',
      severity: 'warning',
      code: 'invalid-value',
      message: `${rules.what} certificate is not a CA certificate (basicConstraints CA:false)`,
    });
  }
  return out;
}

/** Checks a lone private key (the service-account key). */
export function checkKey(b64: string | undefined, what: string): string | undefined {
  if (b64 === undefined || b64 === '')
    return `${what} is required on control-plane nodes; osctl gen secrets creates one`;
  try {
    readPrivateKey(b64);
    return undefined;
  } catch (err) {
    return `${what} cannot be parsed: ${reason(err)}`;
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message.toLowerCase() : String(err);
}
