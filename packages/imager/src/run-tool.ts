import { spawn } from 'node:child_process';
import { ImageError } from './image-error.ts';

/** Which host package installs each tool the builder runs (scripts/setup-host installs them all). */
const packageOf: Record<string, string> = {
  mksquashfs: 'squashfs-tools',
  unsquashfs: 'squashfs-tools',
  strip: 'binutils',
  ldd: 'libc-bin',
};

export interface ToolResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunToolOptions {
  signal?: AbortSignal | undefined;
  /** Return a non-zero exit as a result instead of throwing. */
  allowFailure?: boolean;
  /** Called with each chunk of stdout as it arrives (progress of long steps). */
  onStdout?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs a host tool and collects its output; a missing tool names the package that installs it. */
export function runTool(command: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      options.onStdout?.(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        const pkg = packageOf[command] ?? command;
        reject(
          new ImageError('missing-tool', `${command} is not installed; install it with: apt-get install ${pkg}`, {
            cause: err,
          }),
        );
      } else reject(err);
    });
    child.on('close', (code) => {
      const result = { stdout, stderr, code: code ?? 1 };
      if (result.code !== 0 && options.allowFailure !== true) {
        const detail = stderr.trim().split('\n').slice(-5).join('; ');
        reject(new ImageError('tool-failed', `${command} ${args.join(' ')} exited ${String(code)}: ${detail}`));
      } else resolve(result);
    });
  });
}

/** Whether a tool can be run at all (for skipping tests and steps with a clear reason). */
export async function hasTool(command: string, versionArg = '--version'): Promise<boolean> {
  try {
    await runTool(command, [versionArg], { allowFailure: true });
    return true;
  } catch {
    return false;
  }
}
