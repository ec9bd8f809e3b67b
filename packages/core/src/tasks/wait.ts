/**
 * Waiting for a task's exit from outside its shim: the exit record appears atomically in the task
 * directory (inotify tells us), and a shim that dies without writing it ends the wait with an
 * error instead of hanging.
 */
import * as fs from 'node:fs';
import { taskPaths } from '../layout';
import { StateError } from '../errors';
import { readExit, readShim, shimAlive, taskInfo } from './records';
import type { ExitInfo } from './types';

export function waitTaskExit(state: string, ns: string, id: string, opts: { signal?: AbortSignal } = {}): Promise<ExitInfo> {
  taskInfo(state, ns, id); // not found -> throws
  const p = taskPaths(state, ns, id);
  return new Promise<ExitInfo>((resolve, reject) => {
    let watcher: fs.FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const stop = (): void => {
      done = true;
      watcher?.close();
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => { stop(); reject(new StateError(`task ${id}: wait aborted`)); };
    let shimChecks = 0;
    const check = (): void => {
      if (done) return;
      const exit = readExit(state, ns, id);
      if (exit) { stop(); resolve(exit); return; }
      if (!fs.existsSync(p.dir)) { stop(); reject(new StateError(`task ${id}: deleted while waiting for its exit`)); return; }
      const shim = readShim(state, ns, id);
      if (!shimAlive(shim)) {
        // The shim writes the record just before exiting: look once more before calling it dead.
        if (++shimChecks > 1) {
          stop();
          reject(new StateError(`task ${id}: its shim (pid ${shim?.pid ?? '?'}) died without recording an exit status`));
          return;
        }
      }
    };
    try {
      watcher = fs.watch(p.dir, () => check());
      watcher.on('error', () => undefined);
    } catch { /* polling alone */ }
    const poll = (): void => { check(); if (!done) timer = setTimeout(poll, 250); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    poll();
  });
}
