/** ctr's `namespaces` commands over the metadata store. */
import { withMetadata } from '../metadata';
import type { Labels, Namespace } from '../metadata/types';
import { InvalidArgumentError } from '../errors';

/** `key=value` arguments (a bare `key` clears the label, as ctr's label commands do). */
export function parseLabelArgs(args: string[]): Labels {
  const out: Labels = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq === 0) throw new InvalidArgumentError(`label "${a}": the key is empty`);
    if (eq < 0) out[a] = '';
    else out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

export function listNamespaces(root: string): Namespace[] {
  return withMetadata(root, (s) => s.namespaces.list());
}

export function createNamespace(root: string, name: string, labels: Labels): Namespace {
  return withMetadata(root, (s) => s.tx(() => s.namespaces.create(name, dropEmpty(labels))));
}

/** Removes each namespace; returns the errors of those that could not be removed (ctr goes on). */
export function removeNamespaces(root: string, names: string[]): { removed: string[]; errors: Error[] } {
  return withMetadata(root, (s) => {
    const removed: string[] = [];
    const errors: Error[] = [];
    for (const name of names) {
      try {
        s.tx(() => s.namespaces.remove(name));
        removed.push(name);
      } catch (err) {
        errors.push(err as Error);
      }
    }
    return { removed, errors };
  });
}

/** Sets (or, with an empty value, removes) labels on a namespace. */
export function labelNamespace(root: string, name: string, labels: Labels): Namespace {
  return withMetadata(root, (s) => s.tx(() => {
    const ns = s.namespaces.get(name);
    const next: Labels = { ...ns.labels };
    for (const [k, v] of Object.entries(labels)) {
      if (v === '') delete next[k]; else next[k] = v;
    }
    return s.namespaces.setLabels(name, next);
  }));
}

function dropEmpty(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
}
