/**
 * Removing the files of the hot paths (a container's or a task's state) without fs.rmSync: its
 * first call in a process loads and compiles Node's JavaScript rimraf (~0.5 ms here, in every
 * `run`, `delete` and `ctr run --rm`), and it lstats every entry before removing it.
 */
import * as fs from 'node:fs';

/** Unlinks a file; one that is already gone is fine. */
export function removeFile(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Removes a directory that holds files only (state.json, FIFOs, records), by name; one that is
 * already gone is fine. Anything else inside (a subdirectory) falls back to fs.rmSync.
 */
export function removeFlatDir(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    for (const name of names) fs.unlinkSync(`${dir}/${name}`);
    fs.rmdirSync(dir);
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
