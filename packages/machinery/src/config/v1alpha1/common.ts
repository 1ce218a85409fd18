// Shapes shared by several sections of the v1alpha1 document: PEM blocks (base64 of PEM, the way
// Talos stores certificates and keys), extra arguments, environment maps, resources, volumes.
import { type Check, array, bool, map, object, oneOf, string, unstructured } from '../schema/builder.ts';
import { absolutePath, base64 } from '../schema/formats.ts';

function pemBlock(what: string, label: RegExp): Check<string> {
  return (v) => {
    if (v === '') return undefined;
    const bad = base64(v);
    if (bad !== undefined) return `${bad}: a ${what} is stored as base64 of its PEM text`;
    const text = Buffer.from(v, 'base64').toString('latin1');
    return label.test(text)
      ? undefined
      : `not a base64-encoded PEM ${what}: no "-----BEGIN ..." block of the right type inside`;
  };
}

export const pemCertificate = pemBlock('certificate', /-----BEGIN CERTIFICATE-----/);
export const pemPrivateKey = pemBlock('private key', /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/);

/** A certificate and its key (`crt`, `key`), each base64 of PEM. */
export const certAndKey = object({ crt: string(pemCertificate), key: string(pemPrivateKey) });
/** A certificate only. */
export const certificate = object({ crt: string(pemCertificate) });
/** A private key only. */
export const privateKey = object({ key: string(pemPrivateKey) });

/** Extra command-line arguments: a value or a list of values per flag. */
export const extraArgs = map(oneOf(string(), array(string())));
export const env = map(string());

export const resources = object({ requests: unstructured(), limits: unstructured() });

export const volumeMount = object({
  hostPath: string(absolutePath),
  mountPath: string(absolutePath),
  readonly: bool(),
});
