import { PkiError } from './pki-error.ts';

/** One `-----BEGIN LABEL-----` block of a PEM text, decoded. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

const blockPattern = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const base64Body = /^[A-Za-z0-9+/=\s]*$/;

/** Every PEM block in `text`, in order; text between blocks is ignored, as Go's pem.Decode does. */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(blockPattern)) {
    const label = match[1] ?? '';
    const body = match[2] ?? '';
    const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.includes(':'));
    const b64 = lines.join('');
    if (!base64Body.test(b64)) throw new PkiError('invalid-pem', `PEM block ${label} holds characters outside base64`);
    blocks.push({ label, der: Buffer.from(b64, 'base64') });
  }
  return blocks;
}

/** The first block of `text` whose label is one of `labels`, or a PkiError naming `what`. */
export function pemBlock(text: string, labels: readonly string[], what: string): PemBlock {
  const blocks = parsePemBlocks(text);
  const found = blocks.find((b) => labels.includes(b.label));
  if (found !== undefined) return found;
  const seen = blocks.length === 0 ? 'no PEM block' : `blocks ${blocks.map((b) => b.label).join(', ')}`;
  throw new PkiError('invalid-pem', `${what}: want a PEM ${labels.join(' or ')} block, found ${seen}`);
}

/** Encodes DER bytes as a PEM block with 64-column lines, ending in a newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Config files carry PEM as base64 of the PEM text (Talos's `crt:`/`key:` fields). */
export function pemToBase64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}

/**
 * Decodes a base64 field back to its PEM text. `what` names the field in the error, e.g.
 * `certs.os.crt`; the error shows the start of the offending value.
 */
export function base64ToPem(value: string, what: string): string {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new PkiError('invalid-pem', `${what}: not base64 (${preview(value)}): paste the base64 of the PEM text`);
  }
  const text = Buffer.from(trimmed, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN ')) {
    throw new PkiError('invalid-pem', `${what}: base64 does not decode to PEM (${preview(value)})`);
  }
  return text;
}

/** The first characters of a value, for error messages that must not dump a whole key. */
export function preview(value: string): string {
  return value.length > 24 ? `"${value.slice(0, 24)}..."` : JSON.stringify(value);
}
