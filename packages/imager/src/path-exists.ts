import { access } from 'node:fs/promises';

/** Whether `path` can be reached (any kind of file); unreadable counts as absent. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
