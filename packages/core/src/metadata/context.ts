/** What a repository needs from the store: cached statements and the two transaction kinds. */
import { NotFoundError } from '../errors';
import type { Statement } from './sqlite';
import type { Labels } from './types';

export interface StoreContext {
  /** The database file, for error messages. */
  readonly file: string;
  stmt(sql: string): Statement;
  /** Runs fn in an IMMEDIATE transaction (a savepoint when nested). */
  tx<R>(fn: () => R): R;
  /** Runs fn in a read transaction: one consistent snapshot of the database. */
  read<R>(fn: () => R): R;
  /** Creates the namespace if missing (containerd creates a namespace on first use). */
  ensureNamespace(namespace: string): void;
  /** Throws NotFoundError unless the namespace exists. */
  requireNamespace(namespace: string): void;
}

export function now(): number {
  return Date.now();
}

export function parseLabels(text: string): Labels {
  const v: unknown = JSON.parse(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Labels) : {};
}

export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

/** Labels as stored (a JSON object). */
export function labelsJson(labels: Labels | undefined): string {
  return JSON.stringify(labels ?? {});
}

export function notFound(what: string, ns: string): NotFoundError {
  return new NotFoundError(`${what} in namespace "${ns}": not found`);
}
