/**
 * The part of better-sqlite3 the store uses, typed here (the package ships no types and we add
 * no @types dependency). Loaded lazily so CLIs that never touch metadata skip the native module.
 */
import { addonFileNames } from './sqlite-addon';

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface Statement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface Transaction<A extends unknown[], R> {
  (...args: A): R;
  deferred(...args: A): R;
  immediate(...args: A): R;
  exclusive(...args: A): R;
}

export interface Database {
  readonly inTransaction: boolean;
  readonly open: boolean;
  prepare(sql: string): Statement;
  exec(sql: string): Database;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>;
  close(): Database;
}

export interface DatabaseOptions {
  /** busy_timeout in milliseconds. */
  timeout?: number;
  readonly?: boolean;
  fileMustExist?: boolean;
  /** Path of the compiled addon (see abiBinding). */
  nativeBinding?: string;
}

type DatabaseConstructor = new (file: string, options?: DatabaseOptions) => Database;

let ctor: DatabaseConstructor | undefined;

/** Core's require (dist-dir.ts): better-sqlite3 is core's dependency, wherever the caller lives. */
function coreRequireOf(): NodeJS.Require {
  return (require('../dist-dir') as typeof import('../dist-dir')).coreRequire;
}

let binding: string | null | undefined;

/**
 * The compiled addon, by path: better-sqlite3 then loads it directly, instead of asking the
 * `bindings` package to search ~10 places (~1 ms). The build for the running Node wins
 * (sqlite-addon.ts), so several Node versions can use one node_modules at the same time.
 */
function addonPath(): string | null {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const release = path.join(path.dirname(coreRequireOf().resolve('better-sqlite3/package.json')), 'build', 'Release');
  const files = addonFileNames().map((f) => path.join(release, f));
  return files.find((f) => fs.existsSync(f)) ?? null;
}

export function openDatabase(file: string, options: DatabaseOptions): Database {
  if (binding === undefined) binding = addonPath();
  if (binding) {
    // Static, so the CLI bundles hold better-sqlite3's JavaScript (with their code cache: ~3 ms
    // less than loading its ~15 files from node_modules); only the addon is read from disk.
    ctor ??= require('better-sqlite3') as DatabaseConstructor;
    return new ctor(file, { ...options, nativeBinding: binding });
  }
  // No addon where expected: better-sqlite3 from core's own node_modules finds it its own way.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ctor ??= coreRequireOf()('better-sqlite3') as DatabaseConstructor;
  return new ctor(file, options);
}

/** SqliteError carries SQLite's extended result code name (e.g. SQLITE_BUSY_SNAPSHOT). */
export function sqliteCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SQLITE_')) return err.code;
  return undefined;
}
