import { certificateInfo, parseCertificatePem } from '../pki/certificate.ts';
import { base64ToPem } from '../pki/pem.ts';
import { rolesFromCertificate } from '../roles.ts';
import { currentContext, type ClientConfig } from './client-config.ts';

/** What `config info` shows about the current context. */
export interface ClientContextInfo {
  name: string;
  endpoints: string[];
  nodes: string[];
  roles: string[];
  /** When the client certificate expires; undefined when the context has none. */
  certificateExpires: Date | undefined;
}

/** Reads the current context and its client certificate (roles and expiry). */
export function describeCurrentContext(config: ClientConfig): ClientContextInfo {
  const { name, context } = currentContext(config);
  let roles: string[] = [];
  let certificateExpires: Date | undefined;
  if (context.crt !== undefined && context.crt !== '') {
    const cert = parseCertificatePem(base64ToPem(context.crt, `contexts.${name}.crt`), `contexts.${name}.crt`);
    const parsed = rolesFromCertificate(cert);
    roles = [...parsed.roles, ...parsed.unknown];
    certificateExpires = certificateInfo(cert).notAfter;
  }
  return { name, endpoints: context.endpoints, nodes: context.nodes ?? [], roles, certificateExpires };
}

/** The `config info` text, in talosctl's layout. */
export function formatContextInfo(info: ClientContextInfo, now: Date = new Date()): string {
  const list = (values: string[]): string => (values.length > 0 ? values.join(', ') : 'not defined');
  const rows: [string, string][] = [
    ['Current context:', info.name],
    ['Nodes:', list(info.nodes)],
    ['Endpoints:', list(info.endpoints)],
    ['Roles:', list(info.roles)],
    [
      'Certificate expires:',
      info.certificateExpires === undefined ? 'no client certificate' : expiry(info.certificateExpires, now),
    ],
  ];
  return rows.map(([k, v]) => `${k.padEnd(21)}${v}\n`).join('');
}

function expiry(at: Date, now: Date): string {
  const days = Math.round((at.getTime() - now.getTime()) / 86_400_000);
  const when = at.toISOString().slice(0, 10);
  if (days < 0) return `EXPIRED ${-days} days ago (${when}): get a new talosconfig`;
  if (days >= 365) return `${Math.floor(days / 365)} year(s) from now (${when})`;
  return `${days} days from now (${when})`;
}

/** The `config contexts` table: CURRENT NAME ENDPOINTS NODES, names sorted. */
export function formatContextsTable(config: ClientConfig): string {
  const rows = [['CURRENT', 'NAME', 'ENDPOINTS', 'NODES']];
  for (const name of Object.keys(config.contexts).sort()) {
    const ctx = config.contexts[name];
    rows.push([
      name === config.context ? '*' : '',
      name,
      (ctx?.endpoints ?? []).join(','),
      (ctx?.nodes ?? []).join(','),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map(
      (r) =>
        r
          .map((c, i) => c.padEnd((widths[i] ?? 0) + 3))
          .join('')
          .trimEnd() + '\n',
    )
    .join('');
}
