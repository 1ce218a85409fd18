// A file mode as `ls -l` prints it (drwxr-xr-x). Nodes send either a POSIX st_mode (type in the
// S_IFMT bits) or Go's FileMode (type in the top bits), as Talos does; both are read.

const goDir = 2 ** 31;
const goSymlink = 2 ** 27;
const posixType = 0o170000;

function typeChar(mode: number, isDir: boolean, link: string): string {
  if ((mode & posixType) !== 0) {
    const t = mode & posixType;
    return t === 0o040000
      ? 'd'
      : t === 0o120000
        ? 'L'
        : t === 0o020000
          ? 'c'
          : t === 0o060000
            ? 'D'
            : t === 0o010000
              ? 'p'
              : t === 0o140000
                ? 'S'
                : '-';
  }
  if (mode >= goDir || isDir) return 'd';
  if ((mode & goSymlink) !== 0 || link !== '') return 'L';
  return '-';
}

export function formatFileMode(mode: number, options: { isDir?: boolean; link?: string } = {}): string {
  const bits = 'rwxrwxrwx';
  let perm = '';
  for (let i = 0; i < 9; i++) perm += (mode & (1 << (8 - i))) !== 0 ? bits.charAt(i) : '-';
  return typeChar(mode, options.isDir === true, options.link ?? '') + perm;
}
