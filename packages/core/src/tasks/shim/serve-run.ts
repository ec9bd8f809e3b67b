/**
 * A plain `ctr run -d` with no CLI process: ctr's launcher (packages/ctr/bin/early-shim.sh)
 * starts this shim with ctr's command line. It does the CLI's work itself through ctr's own
 * fast-run bundle, hands the task to itself, tells the launcher the command's status on its
 * stdout ("serving " once the form is known to be plain, then "0" or "1"; "cli" for another form,
 * which the CLI runs) and stays as the task's shim. One
 * Node start-up fewer per container: on this machine a Node process costs ~110 ms of CPU in page
 * faults alone, a third of a container (docs/startup.md, session 16).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAddonFile } from '../../metadata/sqlite-addon';
import { newSession } from '../../sys/exec';
import { dupFd } from '../../sys/file';
import { dup2 } from '../../sys/pty';
import { setChildSubreaper } from '../../sys/prctl';
import { traceProcessStart } from '../../util/trace';
import { serveShimHere } from '../prespawn';
import { SERVE_RUN_ARG, type ShimHandoff, type ShimReady } from '../types';

/** What ctr's fast-run bundle exports for us (packages/ctr/src/fast-run.ts). */
interface CtrServed { served(argv: string[], errFd: number, serving: () => void): Promise<number | 'cli'> }
/** ctr's dist/launch.js: its bundle loader (code caches as the CLI's). */
interface CtrLaunch {
  loadBundle(file: string, cacheFile: string, worthWriting?: () => boolean): unknown;
  fresh(dist: string, file: string): boolean;
}

export function serveRun(argv: string[], serveTask: (task: ShimHandoff) => Promise<ShimReady>, warmUp: () => void, settle: () => void): void {
  traceProcessStart('shim');
  // A session of our own, as setsid(1) gives the other shims (one exec fewer in the launcher):
  // the caller's job control and terminal never reach the task's shim.
  newSession();
  const [dist = '', ...args] = argv;
  const ctrDist = path.resolve(dist);
  // Our stdout is the launcher's verdict pipe, our stderr the user's: kept aside (close-on-exec,
  // out of the container's way at fds 0-2) until the verdict; /dev/null where they were.
  const verdictFd = dupFd(1);
  const errFd = dupFd(2);
  const nul = fs.openSync('/dev/null', fs.constants.O_RDWR);
  dup2(nul, 1);
  fs.closeSync(nul);
  const say = (v: string): void => {
    try { fs.writeSync(verdictFd, v); } catch { /* the launcher was killed */ }
  };
  const verdict = (v: string): void => {
    say(v);
    fs.closeSync(verdictFd);
    fs.closeSync(errFd);
  };
  const bundle = path.join(ctrDist, 'fast-run.bundle.js');
  // The bundle's code cache is written at our exit after a served run (not a parse that fell through).
  let ran = false;
  let served = loadCtr(ctrDist, bundle, () => ran);
  if (!served) {
    verdict('cli');
    process.exit(0);
  }
  setChildSubreaper();
  // As a prespawned shim: the container's init stage starts now, beside the CLI's work.
  warmUp();
  serveShimHere(serveTask);
  served.served(args, errFd, () => say('serving ')).then((status: number | 'cli') => {
    // Our command line holds the container's: a `pkill -f` aimed at the container's command must
    // not hit its shim (a spawned shim's names no container either). Before the verdict: the
    // caller may look as soon as it has it.
    if (status === 0) process.title = `node ${process.argv[1] ?? ''} ${SERVE_RUN_ARG}`;
    verdict(String(status));
    ran = status === 0;
    if (status !== 0) process.exit(0);
    // The CLI's code is done with: nothing of ours refers to its bundle any more (its database
    // closed, its exit hook gone with it), so the collection at settle frees its source, bytecode
    // and modules (~2 MB of each served shim's PSS otherwise).
    served = undefined;
    // Modules it required (better-sqlite3's) name it as their parent: its exports go too.
    const mod = require.cache[bundle];
    if (mod) mod.exports = {};
    delete require.cache[bundle];
    releaseSqlite();
    setTimeout(settle, 50).unref();
  }, (err: Error) => {
    try { fs.writeSync(errFd, `ctr: ${err.message}\n`); } catch { /* nowhere */ }
    verdict('1');
    process.exit(0);
  });
}

/**
 * ctr's fast-run bundle through ctr's own loader, or undefined (missing, or older than the tsc
 * output: the CLI runs the current code). Compiled outside V8's compilation cache, which would
 * keep the whole script (~1 MB: its source and bytecode) for the shim's life; the flag is set
 * again when the loader writes the bundle's code cache at exit, so that the cache's flag hash
 * is the one it is read under (V8 refuses a cache made under other flags).
 */
function loadCtr(ctrDist: string, bundle: string, worthWriting: () => boolean): CtrServed | undefined {
  const v8 = require('node:v8') as typeof import('node:v8');
  try {
    const launch = require(path.join(ctrDist, 'launch.js')) as CtrLaunch;
    if (!launch.fresh(ctrDist, bundle)) return undefined;
    process.once('exit', () => v8.setFlagsFromString('--no-compilation-cache'));
    v8.setFlagsFromString('--no-compilation-cache');
    return launch.loadBundle(bundle, path.join(ctrDist, 'fast-run.bundle.serve.cache'), worthWriting) as CtrServed;
  } catch {
    return undefined;
  } finally {
    // Node's own modules, loaded later, are checked against its start-up flags.
    v8.setFlagsFromString('--compilation-cache');
  }
}

/** A SqliteError of this bundle's, for better-sqlite3's addon to hold instead of the one in ctr's. */
class ReleasedSqliteError extends Error {}

/**
 * better-sqlite3's addon keeps the SqliteError class it was first given in a global handle: the
 * one in ctr's bundle, which would keep that whole bundle alive. It is handed ours instead.
 */
function releaseSqlite(): void {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!isAddonFile(file)) continue;
    const addon = mod?.exports as { setErrorConstructor?: (c: typeof ReleasedSqliteError) => void } | undefined;
    try { addon?.setErrorConstructor?.(ReleasedSqliteError); } catch { /* only memory */ }
  }
}
