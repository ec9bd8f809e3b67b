/**
 * A small schema walker for JSON documents: the shape of config.json is declared as data
 * (config-schema.ts) and this walks a parsed value against it, failing on the first problem
 * with a one-line message naming the field by its path ("mounts[2].destination").
 *
 * Follows Go's encoding/json, which runc uses: fields the schema does not know are ignored,
 * and a known field set to null is treated as absent (the walker deletes it, so callers see
 * undefined and not null).
 */

/**
 * A further check on a value of the right type: returns the problem, or undefined. A problem
 * wrapped as `{ unsupported }` is a valid setting this runtime cannot honour.
 */
export type Problem = string | { unsupported: string };
export type Check<T> = (value: T, at: string) => Problem | undefined;

export type Node =
  | { kind: 'string'; check?: Check<string> }
  | { kind: 'boolean' }
  | { kind: 'integer'; min: number; max: number; label: string }
  | { kind: 'number' }
  | { kind: 'array'; of: Node; check?: Check<unknown[]> }
  | { kind: 'object'; fields: Readonly<Record<string, Field>>; check?: Check<Record<string, unknown>> }
  | { kind: 'map'; values: Node; check?: Check<Record<string, unknown>> };

export interface Field {
  node: Node;
  required?: boolean;
}

/** Thrown by the walker; validate.ts turns it into the caller's error type. */
export class SchemaError extends Error {
  constructor(message: string, readonly unsupported = false) { super(message); }
}

// Constructors, so the schema reads like a type declaration.
export const str = (check?: Check<string>): Node => ({ kind: 'string', check });
export const bool: Node = { kind: 'boolean' };
export const num: Node = { kind: 'number' };
export const arr = (of: Node, check?: Check<unknown[]>): Node => ({ kind: 'array', of, check });
export const obj = (fields: Record<string, Node | Field>, check?: Check<Record<string, unknown>>): Node => ({
  kind: 'object',
  fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, 'node' in v ? v : { node: v }])),
  check,
});
export const map = (values: Node, check?: Check<Record<string, unknown>>): Node => ({ kind: 'map', values, check });
export const required = (node: Node): Field => ({ node, required: true });

// JSON numbers are doubles: 2^64-1 parses as 2^64 and 2^63-1 as 2^63, so the upper bounds
// are the nearest doubles above, or the largest legal values would be rejected.
export const u16: Node = { kind: 'integer', min: 0, max: 0xffff, label: 'unsigned 16-bit integer' };
export const u32: Node = { kind: 'integer', min: 0, max: 0xffffffff, label: 'unsigned 32-bit integer' };
export const u64: Node = { kind: 'integer', min: 0, max: 2 ** 64, label: 'unsigned 64-bit integer' };
export const i32: Node = { kind: 'integer', min: -(2 ** 31), max: 2 ** 31 - 1, label: 'integer' };
export const i64: Node = { kind: 'integer', min: -(2 ** 63), max: 2 ** 63, label: 'integer' };
export const range = (min: number, max: number): Node => ({ kind: 'integer', min, max, label: `integer from ${min} to ${max}` });

function article(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}

/** "a string", "an array of strings"... as used after "must be". */
export function describe(node: Node): string {
  switch (node.kind) {
    case 'string': return 'a string';
    case 'boolean': return 'a boolean';
    case 'number': return 'a number';
    case 'integer': return article(node.label);
    case 'array': return `an array of ${plural(node.of)}`;
    case 'object': return 'an object';
    case 'map': return `an object of ${plural(node.values)}`;
  }
}

function plural(node: Node): string {
  switch (node.kind) {
    case 'string': return 'strings';
    case 'boolean': return 'booleans';
    case 'number': return 'numbers';
    case 'integer': return `${node.label}s`;
    case 'array': return 'arrays';
    case 'object': return 'objects';
    case 'map': return 'objects';
  }
}

/** A primitive node: a wrong element in an array of these is reported on the array itself. */
function isScalar(node: Node): boolean {
  return node.kind === 'string' || node.kind === 'boolean' || node.kind === 'integer' || node.kind === 'number';
}

/** "process.args must be ..." but "process.cwd: relative path": verbs join with a space. */
export function problemAt(at: string, problem: string): string {
  return /^(must|is|has|needs|may) /.test(problem) ? `${at} ${problem}` : `${at}: ${problem}`;
}

function fail(at: string, problem: Problem): never {
  if (typeof problem === 'string') throw new SchemaError(problemAt(at, problem));
  throw new SchemaError(problemAt(at, problem.unsupported), true);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether `v` has the node's JSON type (not its further checks). */
function hasType(node: Node, v: unknown): boolean {
  switch (node.kind) {
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'number': return typeof v === 'number';
    case 'integer': return typeof v === 'number' && Number.isInteger(v) && v >= node.min && v <= node.max;
    case 'array': return Array.isArray(v);
    case 'object':
    case 'map': return isPlainObject(v);
  }
}

/** Walks `value` (found at path `at`) against `node`; throws SchemaError on the first problem. */
export function walk(node: Node, value: unknown, at: string): void {
  if (!hasType(node, value)) fail(at, `must be ${describe(node)}`);
  switch (node.kind) {
    case 'string':
      check(node.check, value as string, at);
      return;
    case 'boolean':
    case 'number':
    case 'integer':
      return;
    case 'array': {
      const items = value as unknown[];
      items.forEach((item, k) => {
        if (isScalar(node.of) && !hasType(node.of, item)) fail(at, `must be ${describe(node)}`);
        walk(node.of, item, `${at}[${k}]`);
      });
      check(node.check, items, at);
      return;
    }
    case 'object': {
      const o = value as Record<string, unknown>;
      for (const [key, field] of Object.entries(node.fields)) {
        const path = at ? `${at}.${key}` : key;
        if (o[key] === null) delete o[key];
        if (o[key] === undefined) {
          if (field.required) fail(path, 'is required');
          continue;
        }
        walk(field.node, o[key], path);
      }
      check(node.check, o, at);
      return;
    }
    case 'map': {
      const o = value as Record<string, unknown>;
      for (const [key, v] of Object.entries(o)) walk(node.values, v, `${at}[${JSON.stringify(key)}]`);
      check(node.check, o, at);
      return;
    }
  }
}

function check<T>(c: Check<T> | undefined, v: T, at: string): void {
  const problem = c?.(v, at);
  if (problem !== undefined) fail(at, problem);
}
