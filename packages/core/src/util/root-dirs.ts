/**
 * Making a store's directories under `--root` (metadata, content, snapshotters), one level at a
 * time. Not mkdirSync's `recursive`: on a filesystem that answers ENOENT to every mkdir (procfs,
 * e.g. `--root /proc/x`) Node's recursive mkdir retries the parent forever; here a directory that
 * cannot be made is one error line naming the root, the directory, the cause and the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors';

const REASONS: Record<string, string> = {
  ENOTDIR: 'not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

/**
 * Makes `dir` and every missing directory above it, each with `mode` (as mkdir's recursive would;
 * undefined: the default 0777 less umask). `rootDir` is the --root the error names.
 */
export function makeRootDirs(rootDir: string, dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue; // made by a concurrent process
      const reason = REASONS[code] ?? (code || (err as Error).message);
      const fix = code === 'EACCES' || code === 'EPERM' ? 'run as root' : 'choose another root directory';
      throw new InvalidArgumentError(`root ${rootDir}: cannot create directory ${d}: ${reason}: ${fix}`);
    }
  }
}
