/**
 * text/template's builtin functions and the four crictl adds (json, title, lower, upper), with
 * Go's argument checks and comparison rules. Each takes thunks so that and/or stop early.
 */
import { encodeJson, formatValue, GoInt, isMap, isTrue, JsonNumber, typeName, type Value } from './values';
import { sprintf } from './printf';

type Thunk = () => Value;

/** A builtin: its arity (max undefined: variadic), which parameters are Go strings, and the call. */
export interface Builtin { min: number; max?: number; strings?: number[]; lazy?: boolean; fn: (args: Thunk[]) => Value }

const vals = (args: Thunk[]): Value[] => args.map((t) => t());

/** Why a value cannot be a Go string parameter, or undefined when it can. */
export function notString(v: Value): string | undefined {
  if (typeof v === 'string') return undefined;
  return v === null ? 'wrong type for value; expected string; got interface {}' : `wrong type for value; expected string; got ${typeName(v)}`;
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';
function kindOf(v: Value): Kind {
  if (v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string' || v instanceof JsonNumber) return 'string';
  if (v instanceof GoInt) return 'int';
  if (typeof v === 'number') return 'float';
  return 'other';
}
function basic(v: Value): string | number | boolean {
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof GoInt) return v.n;
  return v as string | number | boolean;
}

function eq(args: Value[]): boolean {
  const [a, ...rest] = args as [Value, ...Value[]];
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = kindOf(a);
  for (const b of rest) {
    const k2 = kindOf(b);
    if (k1 === 'other' || k2 === 'other') {
      if (a !== null && b !== null) throw new Error(`non-comparable type ${formatValue(k1 === 'other' ? a : b)}: ${typeName(k1 === 'other' ? a : b)}`);
      continue;
    }
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new Error('incompatible types for comparison');
      continue;
    }
    if (k1 === 'invalid' || basic(a) === basic(b)) return true;
  }
  return false;
}

function lt(a: Value, b: Value): boolean {
  const k1 = kindOf(a);
  const k2 = kindOf(b);
  if (k1 === 'other' || k1 === 'bool' || k1 === 'invalid' || k2 === 'other' || k2 === 'bool' || k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  return (basic(a) as number | string) < (basic(b) as number | string);
}

function index(item: Value, keys: Value[]): Value {
  let v = item;
  for (const k of keys) {
    if (v === null) throw new Error('index of untyped nil');
    if (Array.isArray(v)) {
      if (!(k instanceof GoInt)) throw new Error(`cannot index slice/array with type ${typeName(k)}`);
      if (k.n < 0 || k.n >= v.length) throw new Error(`index out of range: ${k.n}`);
      v = v[k.n] as Value;
    } else if (isMap(v)) {
      if (typeof k !== 'string') throw new Error(`value has type ${typeName(k)}; should be string`);
      v = Object.prototype.hasOwnProperty.call(v, k) ? v[k] as Value : null;
    } else if (typeof v === 'string' || v instanceof JsonNumber) {
      const bytes = Buffer.from(typeof v === 'string' ? v : v.text);
      if (!(k instanceof GoInt)) throw new Error(`cannot index slice/array with type ${typeName(k)}`);
      if (k.n < 0 || k.n >= bytes.length) throw new Error(`index out of range: ${k.n}`);
      v = new GoInt(bytes[k.n] as number);
    } else {
      throw new Error(`can't index item of type ${typeName(v)}`);
    }
  }
  return v;
}

function slice(item: Value, idx: Value[]): Value {
  if (item === null) throw new Error('slice of untyped nil');
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  const n = idx.map((k) => {
    if (!(k instanceof GoInt)) throw new Error(`cannot index slice/array with type ${typeName(k)}`);
    return k.n;
  });
  // json.Number is a string kind: sliced as its text, as Go slices it.
  const text = typeof item === 'string' ? item : item instanceof JsonNumber ? item.text : undefined;
  const whole = text !== undefined ? Buffer.from(text) : Array.isArray(item) ? item : undefined;
  if (whole === undefined) throw new Error(`can't slice item of type ${typeName(item)}`);
  const [from = 0, to = whole.length] = n;
  if (from < 0 || to > whole.length || from > to) throw new Error(`index out of range: ${from > to ? from : to}`);
  return text !== undefined ? (whole as Buffer).subarray(from, to).toString() : (whole as Value[]).slice(from, to);
}

/** fmt.Sprint: operands separated by a space when neither side is a string. */
function sprint(vs: Value[]): string {
  let out = '';
  vs.forEach((v, i) => {
    const isStr = (x: Value): boolean => typeof x === 'string' || x instanceof JsonNumber;
    if (i > 0 && !isStr(v) && !isStr(vs[i - 1] as Value)) out += ' ';
    out += formatValue(v);
  });
  return out;
}

/** cases.Title(language.Und, cases.NoLower): each word's first letter upper-cased, the rest kept. */
function title(s: string): string {
  const chars = [...s];
  const letter = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_'’]/u.test(c);
  return chars.map((c, i) => {
    const prev = chars[i - 1];
    // A word goes on across letters, digits, _ and apostrophes, and across . or : between letters.
    const inWord = letter(prev) || (prev !== undefined && /[.:]/.test(prev) && letter(chars[i - 2]) && /\p{L}/u.test(c));
    return inWord ? c : c.toUpperCase();
  }).join('');
}

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

const BUILTINS: Record<string, Builtin> = {
  and: { min: 1, lazy: true, fn: (args) => {
    let v: Value = null;
    for (const t of args) { v = t(); if (!isTrue(v)) return v; }
    return v;
  } },
  or: { min: 1, lazy: true, fn: (args) => {
    let v: Value = null;
    for (const t of args) { v = t(); if (isTrue(v)) return v; }
    return v;
  } },
  not: { min: 1, max: 1, fn: ([a]) => !isTrue((a as Thunk)()) },
  len: { min: 1, max: 1, fn: ([a]) => {
    const v = (a as Thunk)();
    if (typeof v === 'string') return new GoInt(Buffer.byteLength(v));
    if (v instanceof JsonNumber) return new GoInt(v.text.length);
    if (Array.isArray(v)) return new GoInt(v.length);
    if (isMap(v)) return new GoInt(Object.keys(v).length);
    throw new Error(v === null ? 'len of nil pointer' : `len of type ${typeName(v)}`);
  } },
  index: { min: 1, fn: (args) => { const [item, ...keys] = vals(args) as [Value, ...Value[]]; return index(item, keys); } },
  slice: { min: 1, fn: (args) => { const [item, ...idx] = vals(args) as [Value, ...Value[]]; return slice(item, idx); } },
  print: { min: 0, fn: (args) => sprint(vals(args)) },
  println: { min: 0, fn: (args) => `${vals(args).map(formatValue).join(' ')}\n` },
  printf: { min: 1, strings: [0], fn: (args) => { const [format, ...rest] = vals(args) as [string, ...Value[]]; return sprintf(format, rest); } },
  eq: { min: 1, fn: (args) => eq(vals(args)) },
  ne: { min: 2, max: 2, fn: (args) => !eq(vals(args)) },
  lt: { min: 2, max: 2, fn: (args) => { const [a, b] = vals(args) as [Value, Value]; return lt(a, b); } },
  le: { min: 2, max: 2, fn: (args) => { const [a, b] = vals(args) as [Value, Value]; return lt(a, b) || eq([a, b]); } },
  gt: { min: 2, max: 2, fn: (args) => { const [a, b] = vals(args) as [Value, Value]; return !lt(a, b) && !eq([a, b]); } },
  ge: { min: 2, max: 2, fn: (args) => { const [a, b] = vals(args) as [Value, Value]; return !lt(a, b); } },
  html: { min: 0, fn: (args) => htmlEscape(sprint(vals(args))) },
  urlquery: { min: 0, fn: (args) => encodeURIComponent(sprint(vals(args))).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) },
  // crictl's additions (cmd/crictl/templates.go).
  json: { min: 1, max: 1, fn: ([a]) => encodeJson((a as Thunk)()) },
  title: { min: 1, max: 1, strings: [0], fn: ([a]) => title((a as Thunk)() as string) },
  lower: { min: 1, max: 1, strings: [0], fn: ([a]) => ((a as Thunk)() as string).toLowerCase() },
  upper: { min: 1, max: 1, strings: [0], fn: ([a]) => ((a as Thunk)() as string).toUpperCase() },
};

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(BUILTINS));

export function builtin(name: string): Builtin {
  const f = BUILTINS[name];
  if (!f) throw new Error(`function ${JSON.stringify(name)} not defined`);
  return f;
}
