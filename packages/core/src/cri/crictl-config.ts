/**
 * crictl's client configuration, /etc/crictl.yaml, as cri-tools 1.30 reads and writes it: a flat
 * YAML map of six known keys (any other key is an error), edited in place so that comments and
 * key order survive `crictl config --set`. Global flags override the file; the file overrides the
 * defaults. berth has no CRI server, so the endpoints and the timeout are kept only to be shown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors';
import { makeDirs } from '../util/make-dirs';

export const CRICTL_DEFAULT_CONFIG = '/etc/crictl.yaml';

export interface CrictlConfig {
  runtimeEndpoint: string;
  imageEndpoint: string;
  /** Seconds; 0 or less means crictl's default (2s). */
  timeout: number;
  debug: boolean;
  pullImageOnCreate: boolean;
  disablePullOnRun: boolean;
}

/** The file's keys in the order crictl writes them. */
export const CRICTL_CONFIG_KEYS = ['runtime-endpoint', 'image-endpoint', 'timeout', 'debug', 'pull-image-on-create', 'disable-pull-on-run'] as const;
export type CrictlConfigKey = (typeof CRICTL_CONFIG_KEYS)[number];

const FIELD: Record<CrictlConfigKey, keyof CrictlConfig> = {
  'runtime-endpoint': 'runtimeEndpoint',
  'image-endpoint': 'imageEndpoint',
  timeout: 'timeout',
  debug: 'debug',
  'pull-image-on-create': 'pullImageOnCreate',
  'disable-pull-on-run': 'disablePullOnRun',
};

export function emptyCrictlConfig(): CrictlConfig {
  return { runtimeEndpoint: '', imageEndpoint: '', timeout: 0, debug: false, pullImageOnCreate: false, disablePullOnRun: false };
}

function isKey(k: string): k is CrictlConfigKey {
  return (CRICTL_CONFIG_KEYS as readonly string[]).includes(k);
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** Go's strconv.Atoi for the values a config file holds. */
function parseGoInt(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : undefined;
}

/** Sets one option from its text, with crictl's error texts (`<what> value` names the source). */
function assign(c: CrictlConfig, key: string, value: string, what: (k: string) => string): void {
  if (!isKey(key)) throw new InvalidArgumentError(`no configuration option named ${key}`);
  const f = FIELD[key];
  if (f === 'runtimeEndpoint' || f === 'imageEndpoint') {
    c[f] = value;
  } else if (f === 'timeout') {
    const n = parseGoInt(value);
    if (n === undefined) throw new InvalidArgumentError(`${what(key)}: strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
    c.timeout = n;
  } else {
    const b = parseGoBool(value);
    if (b === undefined) throw new InvalidArgumentError(`${what(key)}: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
    c[f] = b;
  }
}

type YamlDoc = import('yaml').Document.Parsed;

function parseDoc(file: string, text: string): YamlDoc {
  const { parseDocument } = require('yaml') as typeof import('yaml');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new InvalidArgumentError(`load config file: ${file}: ${(doc.errors[0] as Error).message.split('\n')[0]}`);
  return doc;
}

/** The scalar text of every top-level pair, in file order (a non-map document has none, as in crictl). */
function pairs(doc: YamlDoc): [string, string][] {
  const { isMap, isScalar } = require('yaml') as typeof import('yaml');
  if (!isMap(doc.contents)) return [];
  return doc.contents.items.map((p) => {
    const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
    const v = isScalar(p.value) ? (p.value.value === null ? '' : String(p.value.value)) : '';
    return [k, v];
  });
}

function configFromDoc(doc: YamlDoc): CrictlConfig {
  const c = emptyCrictlConfig();
  for (const [k, v] of pairs(doc)) {
    if (!isKey(k)) throw new InvalidArgumentError(`load config file: Config option '${k}' is not valid`);
    assign(c, k, v, (key) => `load config file: parsing config option '${key}'`);
  }
  return c;
}

/** Reads a crictl.yaml; errors carry crictl's `load config file:` prefix. */
export function readCrictlConfig(file: string): CrictlConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`load config file: ${statMessage(file, err)}`);
  }
  return configFromDoc(parseDoc(file, text));
}

function statMessage(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `stat ${file}: no such file or directory`;
  if (code === 'EACCES') return `open ${file}: permission denied`;
  return `${file}: ${(err as Error).message}`;
}

/** The text of one option, as `crictl config --get` prints it. */
export function crictlConfigValue(c: CrictlConfig, key: string): string {
  if (!isKey(key)) throw new InvalidArgumentError(`no configuration option named ${key}`);
  return String(c[FIELD[key]]);
}

/**
 * `crictl config`: makes the file (every key at its zero value) when it is missing, then applies
 * `key=value` settings and writes it back with comments and order kept. Returns the result.
 */
export function updateCrictlConfig(file: string, settings: [string, string][]): CrictlConfig {
  const { Document } = require('yaml') as typeof import('yaml');
  let doc: YamlDoc | import('yaml').Document;
  let exists = true;
  try {
    doc = parseDoc(file, fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err instanceof InvalidArgumentError ? err : new InvalidArgumentError(`load config file: ${statMessage(file, err)}`);
    doc = new Document({});
    exists = false;
  }
  const c = exists ? configFromDoc(doc as YamlDoc) : emptyCrictlConfig();
  for (const [k, v] of settings) assign(c, k, v, (key) => `parse ${key} value '${v}'`);
  for (const key of CRICTL_CONFIG_KEYS) doc.set(key, c[FIELD[key]]);
  makeDirs(path.dirname(file), 0o755);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, doc.toString({ lineWidth: 0 }), { mode: 0o644 });
  fs.renameSync(tmp, file);
  return c;
}

/** `crictl config --get/--list`: the file, written first with every option at its zero value when missing. */
export function ensureCrictlConfig(file: string): CrictlConfig {
  if (!fs.existsSync(file)) return updateCrictlConfig(file, []);
  return readCrictlConfig(file);
}

/** Splits `--set` values as crictl does: commas separate settings, each exactly `key=value`. */
export function parseConfigSettings(values: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const setting of values) {
    for (const option of setting.split(',')) {
      const pair = option.split('=');
      if (pair.length !== 2) throw new InvalidArgumentError(`incorrectly specified option: ${setting}`);
      out.push([pair[0] as string, pair[1] as string]);
    }
  }
  return out;
}

export interface CrictlFlags {
  config: string;
  /** `-c`/`--config` or CRI_CONFIG_FILE was given: then an unreadable file is fatal. */
  configExplicit: boolean;
  debug?: boolean;
  runtimeEndpoint?: string;
  imageEndpoint?: string;
  /** `--timeout` when given, as a Go duration text. */
  timeout?: string;
}

export interface CrictlSettings extends CrictlConfig {
  /** The file the settings came from, if one was read. */
  configFile?: string;
  /** The timeout as a Go duration text (2s by default). */
  timeoutText: string;
}

/**
 * crictl's start-up: the config file (or `crictl.yaml` beside the program when the file is
 * missing), then the global flags over it. A bad or missing file is ignored unless it was named
 * explicitly, as cri-tools does.
 */
export function resolveCrictlSettings(flags: CrictlFlags, programDir: string): CrictlSettings {
  let file: string | undefined = flags.config;
  let cfg: CrictlConfig | undefined;
  try {
    if (!fs.existsSync(file)) {
      const beside = path.join(programDir, 'crictl.yaml');
      if (!fs.existsSync(beside)) throw new InvalidArgumentError(`load config file: stat ${beside}: no such file or directory`);
      file = beside;
    }
    cfg = readCrictlConfig(file);
  } catch (err) {
    if (flags.configExplicit) throw err;
    file = undefined;
  }
  const c = cfg ?? emptyCrictlConfig();
  const timeoutText = flags.timeout ?? (c.timeout > 0 ? `${c.timeout}s` : '2s');
  return {
    runtimeEndpoint: flags.runtimeEndpoint ?? c.runtimeEndpoint,
    imageEndpoint: flags.imageEndpoint ?? c.imageEndpoint,
    timeout: c.timeout,
    debug: flags.debug ?? c.debug,
    pullImageOnCreate: c.pullImageOnCreate,
    disablePullOnRun: c.disablePullOnRun,
    configFile: file,
    timeoutText,
  };
}
