/**
 * mkdir -p, one level at a time. Not mkdirSync's `recursive`: where a mkdir fails with ENOENT
 * though its parent exists (procfs and sysfs answer so), Node's recursive mkdir retries the
 * parent forever at 100% CPU: a CRI log_directory under /proc hung `crictl start` with its shim
 * spinning, and a mount destination under a container's /proc would hang its init stage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Makes `dir` and every missing directory above it, each with `mode` (undefined: 0777 less the
 * umask), as mkdir's recursive would; throws the first mkdir's error (Node's errno error).
 */
export function makeDirs(dir: string, mode?: number): void {
  let missing: string[] = [];
  // A parent removed by a concurrent process between the walk and the mkdir (a GC emptying the
  // ingest directory) gives ENOENT: the walk is made again, a bounded number of times (procfs
  // answers ENOENT every time).
  for (let attempt = 0; ; attempt++) {
    missing = [];
    for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
      missing.unshift(d);
      if (path.dirname(d) === d) break;
    }
    try {
      for (const d of missing) {
        try {
          fs.mkdirSync(d, mode === undefined ? undefined : { mode });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // EEXIST: made by a concurrent process
        }
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 4) throw err;
    }
  }
  // An existing non-directory is an error, as with mkdir -p.
  if (missing.length === 0 && !fs.statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${dir}'`), { code: 'EEXIST', path: dir, syscall: 'mkdir' });
  }
}
