import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ImageError } from './image-error.ts';

/**
 * Where a component comes from: a Debian package installed by scripts/setup-host, an npm package, a
 * Go module, or an OCI archive the imager built (only in the Kubernetes part, never in components.json).
 */
export interface ComponentSource {
  kind: 'debian' | 'npm' | 'go' | 'oci';
  package: string;
}

export interface ComponentFile {
  /** Host path; relative paths are relative to the repository root. */
  from: string;
  /** Absolute path inside the image. */
  to: string;
  sha256: string;
}

/** One pinned input of the node image (packages/imager/components.json). */
export interface Component {
  name: string;
  version: string;
  source: ComponentSource;
  /** Run `strip` on the files (the Node binary ships with debug info). */
  strip?: boolean;
  files: ComponentFile[];
}

const kinds: readonly string[] = ['debian', 'npm', 'go'];

/** The pinned component list that ships beside this package. */
export const componentsFile = join(import.meta.dirname, '..', 'components.json');

function str(v: unknown, path: string, errors: string[]): string {
  if (typeof v === 'string' && v !== '') return v;
  errors.push(`${path}: expected a non-empty string, got ${JSON.stringify(v)}`);
  return '';
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function parseFile(v: unknown, path: string, errors: string[]): ComponentFile {
  const r = rec(v);
  const f = { from: str(r['from'], `${path}.from`, errors), to: str(r['to'], `${path}.to`, errors) };
  const sha256 = str(r['sha256'], `${path}.sha256`, errors);
  if (sha256 !== '' && !/^[0-9a-f]{64}$/.test(sha256)) errors.push(`${path}.sha256: not a sha-256 hex digest`);
  if (f.to !== '' && !f.to.startsWith('/')) errors.push(`${path}.to: must be an absolute path, got ${f.to}`);
  return { ...f, sha256 };
}

function parseComponent(v: unknown, path: string, errors: string[]): Component {
  const r = rec(v);
  const src = rec(r['source']);
  const kind = str(src['kind'], `${path}.source.kind`, errors);
  if (kind !== '' && !kinds.includes(kind)) errors.push(`${path}.source.kind: must be one of ${kinds.join(', ')}`);
  const files = Array.isArray(r['files']) ? r['files'] : [];
  if (files.length === 0) errors.push(`${path}.files: expected at least one file`);
  const c: Component = {
    name: str(r['name'], `${path}.name`, errors),
    version: str(r['version'], `${path}.version`, errors),
    source: { kind: kind as ComponentSource['kind'], package: str(src['package'], `${path}.source.package`, errors) },
    files: files.map((f, i) => parseFile(f, `${path}.files[${String(i)}]`, errors)),
  };
  if (r['strip'] === true) c.strip = true;
  return c;
}

/** Parses a component list; problems come back as values with the JSON path of each. */
export function parseComponents(text: string): { components: Component[]; errors: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { components: [], errors: [`not JSON: ${(err as Error).message}`] };
  }
  const list = rec(doc)['components'];
  if (!Array.isArray(list)) return { components: [], errors: ['components: expected a list'] };
  const errors: string[] = [];
  const components = list.map((c, i) => parseComponent(c, `components[${String(i)}]`, errors));
  return { components, errors };
}

/** Loads and validates the pinned list; an invalid list is an ImageError listing every problem. */
export async function loadComponents(path = componentsFile): Promise<Component[]> {
  const { components, errors } = parseComponents(await readFile(path, 'utf8'));
  if (errors.length > 0) throw new ImageError('bad-components', `${path} is invalid:\n  ${errors.join('\n  ')}`);
  return components;
}

export function hostPath(file: ComponentFile, repoRoot: string): string {
  return isAbsolute(file.from) ? file.from : join(repoRoot, file.from);
}

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a component file against its pinned digest; a changed or missing input stops the build. */
export async function verifyComponentFile(
  component: Component,
  file: ComponentFile,
  options: { repoRoot: string; signal?: AbortSignal | undefined },
): Promise<string> {
  const path = hostPath(file, options.repoRoot);
  let actual: string;
  try {
    actual = await sha256File(path, options.signal);
  } catch (err) {
    const hint =
      component.source.kind === 'debian'
        ? `install Debian package ${component.source.package} (scripts/setup-host)`
        : `install ${component.source.kind} package ${component.source.package}`;
    throw new ImageError('missing-input', `${component.name}: cannot read ${path}; ${hint}`, { cause: err });
  }
  if (actual !== file.sha256) {
    throw new ImageError(
      'checksum-mismatch',
      `${component.name} ${component.version}: ${path} has sha256 ${actual}, components.json pins ${file.sha256}; ` +
        `if the ${component.source.kind} package ${component.source.package} was upgraded on purpose, update its version and sha256 there`,
    );
  }
  return path;
}
