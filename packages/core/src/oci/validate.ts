/**
 * Reading and validating a bundle's config.json before anything is created, so a bad
 * config fails with one line naming the field instead of half-way through container setup.
 *
 * The field shapes are declared in config-schema.ts; the rules here relate fields to each
 * other (a hostname needs a UTS namespace, a sysctl needs the namespace that isolates it),
 * following runc 1.1's validator. Fields the spec does not define are ignored, as the spec
 * asks; known fields set to null are treated as absent, as Go's decoder does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, NotFoundError, UnsupportedError, errnoText } from '../errors';
import type { LinuxNamespace, LinuxNamespaceType, LinuxResources, Process, Spec } from './types';
import { CONFIG_SCHEMA, PROCESS_SCHEMA, RESOURCES_SCHEMA } from './config-schema';
import { findJsonError } from './json-error';
import { SchemaError, problemAt, walk, type Node } from './schema';

export const CONFIG_FILE = 'config.json';

export interface ValidateOptions {
  /** The bundle directory: when given, root.path is resolved against it and must exist. */
  bundle?: string;
  /** Receives non-fatal findings (runc logs them as warnings); core code never prints. */
  warnings?: string[];
}

/** Reads and validates `<bundle>/config.json`. */
export function loadSpec(bundle: string, opts: Omit<ValidateOptions, 'bundle'> = {}): Spec {
  const dir = path.resolve(bundle);
  const file = path.join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') {
      if (!fs.existsSync(dir)) throw new NotFoundError(`bundle ${dir} does not exist`);
      throw new NotFoundError(`bundle ${dir}: ${CONFIG_FILE} not found`);
    }
    if (code === 'EISDIR') throw new InvalidArgumentError(`bundle ${dir}: ${CONFIG_FILE} is a directory`);
    throw new InvalidArgumentError(`bundle ${dir}: cannot read ${CONFIG_FILE}: ${errnoText(code)}`);
  }
  return parseSpec(text, { ...opts, bundle: dir });
}

/** Parses config.json text and validates it. */
export function parseSpec(text: string, opts: ValidateOptions = {}): Spec {
  return validateSpec(parseJsonFile(text, CONFIG_FILE), opts);
}

/** JSON text of a file named `name` in messages: an empty file or a syntax error, located. */
function parseJsonFile(text: string, name: string): unknown {
  if (text.trim() === '') throw new InvalidArgumentError(`${name}: the file is empty`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const where = findJsonError(text);
    if (where) throw new InvalidArgumentError(`${name}: invalid JSON at line ${where.line}, column ${where.column}: ${where.reason}`);
    throw new InvalidArgumentError(`${name}: invalid JSON: ${(err as Error).message}`);
  }
}

/** `doc`, a document `name` holds, checked against `node` (an object, its fields as config.json's). */
function checked(doc: unknown, name: string, node: Node): object {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidArgumentError(`${name}: must hold a JSON object, not ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}`);
  }
  try {
    walk(node, doc, '');
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    throw err.unsupported ? new UnsupportedError(`${name}: ${err.message}`) : new InvalidArgumentError(`${name}: ${err.message}`);
  }
  return doc;
}

/** Go's zero values: a missing user (or uid/gid) means root, as runc reads it. */
function withRootDefaults(proc: Process): Process {
  const u = (proc.user ??= { uid: 0, gid: 0 });
  u.uid ??= 0;
  u.gid ??= 0;
  return proc;
}

/**
 * `runc exec --process FILE`: the process as config.json's `process` is checked (args, an absolute
 * cwd, types), a missing user being root. `name` names the file in messages.
 */
export function parseProcess(text: string, name: string): Process {
  return withRootDefaults(checked(parseJsonFile(text, name), name, PROCESS_SCHEMA) as Process);
}

/** `runc update -r FILE`: linux.resources as config.json has them, checked the same way. */
export function parseResources(text: string, name: string): LinuxResources {
  return checked(parseJsonFile(text, name), name, RESOURCES_SCHEMA) as LinuxResources;
}

/**
 * Validates a parsed config (in place: nulls are dropped and process.user gets Go's zero
 * values) and returns it typed. Throws InvalidArgumentError for a bad config,
 * UnsupportedError for a valid one asking for what this runtime cannot do, NotFoundError for
 * a missing rootfs.
 */
export function validateSpec(doc: unknown, opts: ValidateOptions = {}): Spec {
  const spec = checked(doc, CONFIG_FILE, CONFIG_SCHEMA) as Spec;
  if (spec.process) withRootDefaults(spec.process);
  for (const rule of RULES) {
    const problem = rule(spec, opts.warnings ?? []);
    if (problem !== undefined) throw new InvalidArgumentError(`${CONFIG_FILE}: ${problem}`);
  }
  if (opts.bundle !== undefined) checkRootfs(spec, opts.bundle);
  return spec;
}

/** The rootfs, resolved against the bundle as runc does, must be an existing directory. */
function checkRootfs(spec: Spec, bundle: string): void {
  const rootfs = path.resolve(bundle, spec.root?.path ?? '');
  let st: fs.Stats;
  try {
    st = fs.statSync(rootfs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') throw new NotFoundError(`rootfs (${rootfs}) does not exist`);
    throw new InvalidArgumentError(`rootfs (${rootfs}): ${errnoText(code)}`);
  }
  if (!st.isDirectory()) throw new InvalidArgumentError(`rootfs (${rootfs}) is not a directory`);
}

// ---- rules relating fields: each returns a problem ("<field> ...") or undefined ----

type Rule = (spec: Spec, warnings: string[]) => string | undefined;

function namespaceOf(spec: Spec, type: LinuxNamespaceType): LinuxNamespace | undefined {
  return spec.linux?.namespaces?.find((n) => n.type === type);
}

const needs = (field: string, type: LinuxNamespaceType, why: string): string =>
  problemAt(field, `needs a ${type} namespace (add {"type": "${type}"} to linux.namespaces): ${why}`);

const hostnameRule: Rule = (spec) => {
  if (namespaceOf(spec, 'uts')) return undefined;
  if (spec.hostname) return needs('hostname', 'uts', "setting it would change the host's");
  if (spec.domainname) return needs('domainname', 'uts', "setting it would change the host's");
  return undefined;
};

const userNamespaceRule: Rule = (spec) => {
  const l = spec.linux;
  const userns = namespaceOf(spec, 'user');
  if (!userns) {
    if (l?.uidMappings?.length) return needs('linux.uidMappings', 'user', 'mappings apply to a new user namespace');
    if (l?.gidMappings?.length) return needs('linux.gidMappings', 'user', 'mappings apply to a new user namespace');
    return undefined;
  }
  if (userns.path === undefined && (!l?.uidMappings?.length || !l.gidMappings?.length)) {
    return problemAt('linux.namespaces', 'has a new user namespace but linux.uidMappings or linux.gidMappings is empty');
  }
  return undefined;
};

const maskRule: Rule = (spec) => {
  if (namespaceOf(spec, 'mount')) return undefined;
  if (spec.linux?.maskedPaths?.length) return needs('linux.maskedPaths', 'mount', "masking would apply to the host's mounts");
  if (spec.linux?.readonlyPaths?.length) return needs('linux.readonlyPaths', 'mount', "remounting would apply to the host's mounts");
  return undefined;
};

const timeRule: Rule = (spec) => {
  const offsets = spec.linux?.timeOffsets;
  if (offsets && Object.keys(offsets).length > 0 && !namespaceOf(spec, 'time')) {
    return needs('linux.timeOffsets', 'time', 'offsets apply to a new time namespace');
  }
  return undefined;
};

const mountsRule: Rule = (spec, warnings) => {
  for (const [k, m] of (spec.mounts ?? []).entries()) {
    if (!path.isAbsolute(m.destination)) {
      // runc 1.1 warns and mounts it relative to the rootfs; later runc versions refuse it.
      warnings.push(`mounts[${k}].destination ${JSON.stringify(m.destination)} is not absolute: taken relative to the rootfs`);
    }
  }
  return undefined;
};

/** The sysctls an IPC namespace isolates, besides everything under fs.mqueue. */
const IPC_SYSCTLS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem',
  'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
]);

/**
 * sysctl(8) also accepts '/' as the separator, and then '.' may appear inside a component
 * ("net/ipv4/conf/eno2.100/rp_filter"): swap them to get the dotted form, as runc does.
 */
export function sysctlDotted(key: string): string {
  const first = key.search(/[./]/);
  if (first < 0 || key[first] === '.') return key;
  return key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** Whether `nsPath` is the network namespace this process is in (so "new" it is not). */
function isCurrentNetns(nsPath: string): boolean | string {
  try {
    const a = fs.statSync('/proc/self/ns/net');
    const b = fs.statSync(nsPath);
    return a.dev === b.dev && a.ino === b.ino;
  } catch (err) {
    return `cannot stat ${nsPath}: ${errnoText((err as NodeJS.ErrnoException).code ?? 'EIO')}`;
  }
}

const sysctlRule: Rule = (spec) => {
  const keys = Object.keys(spec.linux?.sysctl ?? {});
  let hostNet: boolean | string | undefined;
  for (const raw of keys) {
    const key = sysctlDotted(raw);
    const field = `linux.sysctl[${JSON.stringify(raw)}]`;
    if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) {
      if (!namespaceOf(spec, 'ipc')) return needs(field, 'ipc', "setting it would change the host's");
      continue;
    }
    if (key.startsWith('net.')) {
      if (hostNet === undefined) {
        const netns = namespaceOf(spec, 'network');
        hostNet = !netns ? true : netns.path === undefined ? false : isCurrentNetns(netns.path);
      }
      if (typeof hostNet === 'string') return problemAt('linux.namespaces', `network namespace path: ${hostNet}`);
      if (hostNet) return needs(field, 'network', "setting it in the host's network namespace would change the host's");
      continue;
    }
    if (key === 'kernel.domainname' || key === 'kernel.hostname') {
      if (!namespaceOf(spec, 'uts')) return needs(field, 'uts', "setting it would change the host's");
      if (key === 'kernel.hostname') return problemAt(field, 'is not allowed: use the "hostname" field');
      continue;
    }
    return problemAt(field, "is not allowed: no namespace isolates it, so it would change the host's");
  }
  return undefined;
};

const RULES: readonly Rule[] = [hostnameRule, userNamespaceRule, maskRule, timeRule, sysctlRule, mountsRule];

// ---- container ids: oci/container-id.ts (small: every command that reads a record loads it) ----

export { validateId } from './container-id';
