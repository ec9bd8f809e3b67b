/**
 * The values a crictl template sees, modelled on Go's: crictl decodes the status document with
 * encoding/json's UseNumber, so every number in the data is a json.Number (a string kind that
 * prints its literal), objects are map[string]interface {} and arrays []interface {}. Numbers a
 * template writes itself are Go ints and float64s.
 */
import type { Json } from '../output';

/** encoding/json's Number: the literal's text; compares and prints as a string. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A Go int (template integer constants, len's result, range's index). */
export class GoInt {
  constructor(readonly n: number) {}
}

export type Value = null | boolean | string | number | JsonNumber | GoInt | Value[] | ValueMap;
export interface ValueMap { [k: string]: Value }

/** The document as crictl's decoder sees it. */
export function fromJson(v: Json): Value {
  if (typeof v === 'number') return new JsonNumber(String(v));
  if (Array.isArray(v)) return v.map(fromJson);
  if (v !== null && typeof v === 'object') {
    const out: ValueMap = {};
    for (const k of Object.keys(v)) out[k] = fromJson(v[k] as Json);
    return out;
  }
  return v;
}

export function isMap(v: Value): v is ValueMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber) && !(v instanceof GoInt);
}

/** Go's name of the value's dynamic type, as text/template's errors print it. */
export function typeName(v: Value): string {
  if (v === null) return '<nil>';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (v instanceof JsonNumber) return 'json.Number';
  if (v instanceof GoInt) return 'int';
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}

/** fmt's %v of a float64: strconv's shortest %g, which switches to %e for exponents below -4 or from 6 up. */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, e] = x.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/** fmt's %v (fmt.Sprint of one operand). */
export function formatValue(v: Value): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloat(v);
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof GoInt) return String(v.n);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  return `map[${Object.keys(v).sort().map((k) => `${k}:${formatValue(v[k] as Value)}`).join(' ')}]`;
}

/** text/template's truth: false, zero numbers, empty strings, slices and maps, and nil are false. */
export function isTrue(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof JsonNumber) return v.text.length > 0;
  if (v instanceof GoInt) return v.n !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** encoding/json's Encoder.Encode: compact, map keys sorted, HTML characters escaped, a newline after. */
export function encodeJson(v: Value): string {
  const plain = (x: Value): string => {
    if (x === null) return 'null';
    if (x instanceof JsonNumber) return x.text;
    if (x instanceof GoInt) return String(x.n);
    if (Array.isArray(x)) return `[${x.map(plain).join(',')}]`;
    if (isMap(x)) return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${plain(x[k] as Value)}`).join(',')}}`;
    return JSON.stringify(x);
  };
  return `${plain(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
