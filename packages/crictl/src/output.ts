/**
 * crictl's output shapes, shared by every crictl command:
 * - JSON as Go prints it (json.Indent of protobuf JSON: two-space indent, `<>&` escaped),
 *   and YAML as sigs.k8s.io/yaml's JSONToYAML makes it (keys sorted, block sequences not indented);
 * - `-o json|yaml|table` for list commands, and the `{"status": …, <info keys>}` document of the
 *   inspect commands (outputStatusInfo in cri-tools);
 * - tables through Go's tabwriter with crictl's settings (minwidth 20, padding 3);
 * - docker/go-units sizes, truncated ids, logrus lines at any level.
 */
export { CRICTL_TABLE, table, truncateId } from './table';
export { log, logLine, type LogLevel } from './log';

/** A JSON value as crictl prints it; object key order is kept (protobuf field order). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON.stringify plus Go's escaping of <, >, &, U+2028 and U+2029 (encoding/json's HTML-safe default). */
export function goJson(v: Json, indent = 2): string {
  return JSON.stringify(v, null, indent).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** encoding/json (and go-yaml) of a map: keys sorted at every level. */
export function sortedJson(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortedJson);
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v).sort()) out[k] = sortedJson(v[k] as Json);
    return out;
  }
  return v;
}

/** Strings go-yaml v2 would read back as another type (null, bool, number, timestamp): it double-quotes them. */
const GO_YAML_NON_STRING = new RegExp([
  '^$', '^~$', '^(?:null|Null|NULL)$',
  '^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$',
  '^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$',
  '^[-+]?(?:\\.[0-9]+|[0-9][0-9_]*(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$',
  '^[-+]?\\.(?:inf|Inf|INF)$', '^\\.(?:nan|NaN|NAN)$',
  '^\\d{4}-\\d\\d?-\\d\\d?(?:(?:[Tt]|[ \\t]+)\\d\\d?:\\d\\d:\\d\\d(?:\\.\\d*)?(?:[ \\t]*(?:Z|[-+]\\d\\d?(?::\\d\\d)?))?)?$',
].join('|'));

/**
 * YAML of a JSON document the way crictl prints it (go-yaml v2 through sigs.k8s.io/yaml): keys
 * sorted, sequences flush with their key, strings that would read back as another type
 * double-quoted, other strings that cannot be plain single-quoted.
 */
export function goYaml(v: Json): string {
  const { Document, isScalar, visit } = require('yaml') as typeof import('yaml');
  const doc = new Document(sortedJson(v));
  visit(doc, {
    Scalar(key, node) {
      if (key !== 'key' && isScalar(node) && typeof node.value === 'string' && GO_YAML_NON_STRING.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 80, singleQuote: true, nullStr: 'null' });
}

export type OutputFormat = 'json' | 'yaml' | 'table';

/** `-o`: crictl's list commands print the whole response as JSON or YAML, or fall back to the table. */
export function printStructured(format: string | undefined, doc: Json): boolean {
  if (format === 'json') {
    process.stdout.write(`${goJson(doc)}\n`);
    return true;
  }
  if (format === 'yaml') {
    // fmt.Println after a YAML text that already ends in a newline: a blank line follows.
    process.stdout.write(`${goYaml(doc)}\n`);
    return true;
  }
  return false;
}

/**
 * cri-tools' outputStatusInfo: `{"status": <status>, ["runtimeHandlers": …,] <info keys sorted>}`,
 * each info value embedded as JSON when it parses, else as a string.
 */
export function statusInfoDoc(status: Json, info: Record<string, string> | undefined, handlers?: Json): Json {
  const doc: { [k: string]: Json } = { status };
  if (handlers !== undefined) doc['runtimeHandlers'] = handlers;
  for (const k of Object.keys(info ?? {}).sort()) {
    const raw = (info as Record<string, string>)[k] as string;
    try {
      doc[k] = JSON.parse(raw) as Json;
    } catch {
      doc[k] = raw;
    }
  }
  return doc;
}

/**
 * Prints a status document as `-o json` (the default), `-o yaml` or `-o go-template` (throws the
 * template's GoTemplateError; CrictlCommand.printStatus words it as crictl).
 */
export function printStatusInfo(format: string, doc: Json, template = ''): void {
  if (format === 'yaml') process.stdout.write(`${goYaml(doc)}\n`);
  else if (format === 'json') process.stdout.write(`${goJson(doc)}\n`);
  else if (format === 'go-template') {
    const { renderGoTemplate } = require('./go-template') as typeof import('./go-template');
    process.stdout.write(`${renderGoTemplate(template, doc)}\n`);
  } else process.stdout.write(`Don't support ${JSON.stringify(format)} format\n`);
}


/** Go's %.<prec>g: shortest of %e/%f at `prec` significant digits, trailing zeros dropped. */
export function goG(x: number, prec: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(prec)))));
  if (exp < -4 || exp >= prec) {
    const [m, e] = x.toExponential(prec - 1).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const f = x.toFixed(Math.max(0, prec - 1 - exp));
  return f.includes('.') ? f.replace(/\.?0+$/, '') : f;
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** docker/go-units HumanSizeWithPrecision: decimal units, no space (`2.16MB`). HumanSize is precision 4. */
export function humanSize(bytes: number, precision = 4): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${goG(size, precision)}${DECIMAL_UNITS[i] as string}`;
}


