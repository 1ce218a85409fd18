// What the Kubernetes e2e tests share: osctl and kubectl run as subprocesses (as a user would run
// them), kubectl built through the imager's pinned list and cache by `osctl image components build`
// (package tests may not import the imager), and polling with the last failure in the error.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const osctlMain = join(repoRoot, 'packages', 'osctl', 'src', 'main.ts');

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs `command`; resolves with its stdout on exit 0, else rejects with its stderr and exit status. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (err) => {
      reject(new Error(`${[command, ...args].join(' ')}: ${err.message}: ${stderr.trim()}`, { cause: err }));
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`${args.join(' ')} exited ${String(code)}: ${stderr.trim() || stdout.trim()}`));
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs osctl (packages/osctl/src/main.ts under this Node). */
export function osctl(args: readonly string[], options: RunOptions = {}): Promise<string> {
  return run(process.execPath, [osctlMain, ...args], options);
}

/**
 * The path of kubectl of the pinned Kubernetes release: from the component cache, built there first
 * when missing (about half a minute with a warm Go build cache, minutes cold).
 */
export async function kubectlBinary(): Promise<string> {
  const out = await osctl(['image', 'components', 'build', 'kubectl'], { timeoutMs: 20 * 60_000 });
  const path = out.trim().split('\n').at(-1)?.trim() ?? '';
  if (!path.endsWith('/kubectl')) throw new Error(`osctl image components build kubectl printed no path: ${out}`);
  return path;
}

export type Kubectl = (args: readonly string[], options?: RunOptions) => Promise<string>;

/** kubectl against `kubeconfig` only (KUBECONFIG set, so ~/.kube/config is never read). */
export function kubectlWith(binary: string, kubeconfig: string): Kubectl {
  return (args, options = {}) =>
    run(binary, ['--request-timeout=20s', ...args], { ...options, env: { ...options.env, KUBECONFIG: kubeconfig } });
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; the last failure is in the error. */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${String(timeoutMs)} ms: ${last}`);
    await sleep(1000);
  }
}

/** `obj.a.b.c` of parsed JSON, or undefined. */
export function field(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const p of path)
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string | number, unknown>)[p] : undefined;
  return cur;
}

/** Whether a Node (parsed JSON) has condition Ready=True. */
export function nodeReady(node: unknown): boolean {
  const conditions = field(node, 'status', 'conditions');
  return (
    Array.isArray(conditions) && conditions.some((c) => field(c, 'type') === 'Ready' && field(c, 'status') === 'True')
  );
}

/** `kubectl get ARGS -o json` parsed, its `items`. */
export async function kubeItems(kubectl: Kubectl, args: readonly string[]): Promise<unknown[]> {
  const items = field(JSON.parse(await kubectl(['get', ...args, '-o', 'json'])), 'items');
  return Array.isArray(items) ? (items as unknown[]) : [];
}
