/**
 * fmt.Sprintf for template values: the verbs v s q d b o x X c U t e E f F g G and %%, flags
 * `-+ 0#`, width and precision, and Go's `%!verb(type=value)`, `%!verb(MISSING)` and
 * `%!(EXTRA …)` for mismatches.
 */
import { goG } from '../output';
import { formatValue, goFloat, GoInt, isMap, JsonNumber, typeName, type Value } from './values';

interface Spec { minus: boolean; plus: boolean; space: boolean; zero: boolean; sharp: boolean; width?: number; prec?: number; verb: string }

export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let next = 0;
  const re = /%([-+# 0]*)(\d+)?(?:\.(\d*))?(.)?/gy;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) { out += format.slice(i); break; }
    out += format.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(format) as RegExpExecArray;
    i = re.lastIndex;
    const flags = m[1] ?? '';
    const verb = m[4];
    if (verb === undefined) { out += '%!(NOVERB)'; break; }
    if (verb === '%') { out += '%'; continue; }
    const spec: Spec = {
      minus: flags.includes('-'), plus: flags.includes('+'), space: flags.includes(' '), zero: flags.includes('0'), sharp: flags.includes('#'),
      width: m[2] !== undefined ? Number(m[2]) : undefined,
      prec: m[3] !== undefined ? Number(m[3] || '0') : undefined,
      verb,
    };
    if (next >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += one(spec, args[next++] as Value);
  }
  if (next < args.length) {
    out += `%!(EXTRA ${args.slice(next).map((a) => (a === null ? '<nil>' : `${typeName(a)}=${formatValue(a)}`)).join(', ')})`;
  }
  return out;
}

function bad(verb: string, v: Value): string {
  return v === null ? `%!${verb}(<nil>)` : `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  if ([...s].length >= w) return s;
  const fill = w - [...s].length;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0] as string : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function signed(s: string, neg: boolean, spec: Spec): string {
  if (neg) return `-${s}`;
  return spec.plus ? `+${s}` : spec.space ? ` ${s}` : s;
}

function truncate(s: string, spec: Spec): string {
  return spec.prec === undefined ? s : [...s].slice(0, spec.prec).join('');
}

/** strconv.Quote, closely enough: JSON's escapes, with \x for other control bytes. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([01][0-9a-fA-F])/g, (_, h: string) => (h === '07' ? '\\a' : h === '0b' ? '\\v' : `\\x${h.toLowerCase()}`)).replace(/\u007f/g, '\\x7f');
}

function one(spec: Spec, v: Value): string {
  const { verb } = spec;
  const str = typeof v === 'string' ? v : v instanceof JsonNumber ? v.text : undefined;
  switch (verb) {
    case 'v':
      if (typeof v === 'number') return pad(signed(goFloat(Math.abs(v)), v < 0, spec), spec, true);
      if (v instanceof GoInt) return pad(signed(String(Math.abs(v.n)), v.n < 0, spec), spec, true);
      return pad(formatValue(v), spec, false);
    case 's':
      if (str !== undefined) return pad(truncate(str, spec), spec, false);
      if (Array.isArray(v)) return pad(`[${v.map((e) => one({ ...spec, width: undefined }, e)).join(' ')}]`, spec, false);
      if (isMap(v)) return pad(`map[${Object.keys(v).sort().map((k) => `${k}:${one({ ...spec, width: undefined }, v[k] as Value)}`).join(' ')}]`, spec, false);
      return bad(verb, v);
    case 'q':
      if (str !== undefined) return pad(spec.sharp && !str.includes('`') ? `\`${str}\`` : goQuote(truncate(str, spec)), spec, false);
      if (v instanceof GoInt) return pad(`'${String.fromCodePoint(v.n)}'`, spec, false);
      return bad(verb, v);
    case 'd': case 'b': case 'o': case 'x': case 'X': case 'c': case 'U': {
      if (v instanceof GoInt) {
        if (verb === 'c') return pad(String.fromCodePoint(v.n), spec, false);
        if (verb === 'U') return pad(`U+${v.n.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
        const base = { d: 10, b: 2, o: 8, x: 16, X: 16 }[verb];
        let digits = Math.abs(v.n).toString(base);
        if (verb === 'X') digits = digits.toUpperCase();
        if (spec.prec !== undefined) digits = digits.padStart(spec.prec, '0');
        if (spec.sharp && verb === 'x') digits = `0x${digits}`;
        if (spec.sharp && verb === 'X') digits = `0X${digits}`;
        if (spec.sharp && verb === 'o') digits = `0${digits}`;
        return pad(signed(digits, v.n < 0, spec), spec, true);
      }
      if ((verb === 'x' || verb === 'X') && str !== undefined) {
        const hex = Buffer.from(truncate(str, spec)).toString('hex');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
      }
      return bad(verb, v);
    }
    case 't':
      return typeof v === 'boolean' ? pad(v ? 'true' : 'false', spec, false) : bad(verb, v);
    case 'T':
      return pad(typeName(v), spec, false);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
      if (typeof v !== 'number') return bad(verb, v);
      const x = Math.abs(v);
      let s: string;
      if (verb === 'f' || verb === 'F') s = x.toFixed(spec.prec ?? 6);
      else if (verb === 'e' || verb === 'E') {
        const [m, e] = x.toExponential(spec.prec ?? 6).split('e') as [string, string];
        s = `${m}e${e[0] === '-' ? '-' : '+'}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
      } else s = spec.prec === undefined ? goFloat(x) : goG(x, spec.prec === 0 ? 1 : spec.prec);
      if (verb === 'E' || verb === 'G') s = s.toUpperCase();
      return pad(signed(s, v < 0 || Object.is(v, -0), spec), spec, true);
    }
    default:
      return bad(verb, v);
  }
}
