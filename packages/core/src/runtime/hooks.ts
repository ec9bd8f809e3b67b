/** OCI hooks: each runs with the container state on stdin; a failure names the hook and its output. */
import { spawnSync } from 'node:child_process';
import { BerthError } from '../errors';
import type { ContainerStatus, Hook, HookName, Spec, State } from '../oci/types';

export class HookError extends BerthError {
  constructor(message: string) { super('EHOOK', message); }
}

export function runHooks(name: HookName, hooks: Hook[] | undefined, state: State): void {
  for (const hook of hooks ?? []) runHook(name, hook, state);
}

/**
 * poststop's rule (runtime spec): a failing hook is a warning, and the remaining hooks and the
 * lifecycle go on as if it had succeeded. Returns the warnings.
 */
export function runHooksWarning(name: HookName, hooks: Hook[] | undefined, state: State): string[] {
  const warnings: string[] = [];
  for (const hook of hooks ?? []) {
    try {
      runHook(name, hook, state);
    } catch (err) {
      if (!(err instanceof HookError)) throw err;
      warnings.push(err.message);
    }
  }
  return warnings;
}

function runHook(name: HookName, hook: Hook, state: State): void {
  const args = hook.args && hook.args.length > 0 ? hook.args : [hook.path];
  const res = spawnSync(hook.path, args.slice(1), {
    argv0: args[0],
    input: JSON.stringify(state),
    env: envObject(hook.env ?? []),
    timeout: hook.timeout ? hook.timeout * 1000 : undefined,
    encoding: 'utf8',
  });
  // A hook that exits without reading the state makes our write fail with EPIPE: its exit
  // status is what matters (Go's os/exec, runc's, ignores EPIPE on a child's stdin too).
  const epipe = (res.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && res.status !== null;
  if (res.error && !epipe) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') throw new HookError(`${name} hook ${hook.path} timed out after ${hook.timeout}s`);
    throw new HookError(`${name} hook ${hook.path}: ${code === 'ENOENT' ? 'no such file or directory' : res.error.message}`);
  }
  if (res.status !== 0) {
    // Both streams, as runc reports them (one line: each stream's last line).
    const last = (text: string | null): string => (text ?? '').trim().split('\n').slice(-1)[0] ?? '';
    const out = [['stdout', last(res.stdout)], ['stderr', last(res.stderr)]].filter(([, t]) => t !== '').map(([k, t]) => `${k}: ${t}`).join(', ');
    const how = res.signal ? `killed by ${res.signal}` : `exit status ${res.status}`;
    throw new HookError(`${name} hook ${hook.path} failed: ${how}${out ? `, ${out}` : ''}`);
  }
}

function envObject(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** The state handed to hooks on stdin (OCI State). */
export function hookState(c: { id: string; bundle: string }, spec: Pick<Spec, 'ociVersion' | 'annotations'>, status: ContainerStatus, pid: number): State {
  const st: State = { ociVersion: spec.ociVersion, id: c.id, status, pid, bundle: c.bundle };
  if (spec.annotations) st.annotations = spec.annotations;
  return st;
}
