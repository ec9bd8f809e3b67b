/**
 * Making a store's directories under `--root` (metadata, content, snapshotters) with makeDirs
 * (never Node's recursive mkdir, which spins on procfs: `--root /proc/x`); a directory that
 * cannot be made is one error line naming the root, the directory, the cause and the fix.
 */
import { InvalidArgumentError } from '../errors';
import { makeDirs } from './make-dirs';

const REASONS: Record<string, string> = {
  ENOTDIR: 'not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'file exists, not a directory',
};

/**
 * Makes `dir` and every missing directory above it, each with `mode` (as mkdir's recursive would;
 * undefined: the default 0777 less umask). `rootDir` is the --root the error names.
 */
export function makeRootDirs(rootDir: string, dir: string, mode?: number): void {
  try {
    makeDirs(dir, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (code || (err as Error).message);
    const fix = code === 'EACCES' || code === 'EPERM' ? 'run as root' : 'choose another root directory';
    throw new InvalidArgumentError(`root ${rootDir}: cannot create directory ${(err as NodeJS.ErrnoException).path ?? dir}: ${reason}: ${fix}`);
  }
}
