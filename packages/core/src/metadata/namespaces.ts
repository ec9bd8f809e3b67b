/** Namespaces: created on first use, removable only when nothing lives in them. */
import { AlreadyExistsError, NotFoundError, StateError } from '../errors';
import { labelsJson, now, parseLabels, type StoreContext } from './context';
import type { Labels, Namespace } from './types';
import { validateIdentifier, validateLabels } from './validate';

interface Row {
  name: string;
  labels: string;
  created_at: number;
  updated_at: number;
}

function toNamespace(r: Row): Namespace {
  return { name: r.name, labels: parseLabels(r.labels), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) };
}

/** What keeps a namespace from being removed, in the order the message names them. */
const CONTENTS: readonly [table: string, what: string][] = [
  ['images', 'images'],
  ['containers', 'containers'],
  ['leases', 'leases'],
  ['snapshots', 'snapshots'],
  ['content', 'content'],
];

export class Namespaces {
  constructor(private readonly s: StoreContext) {}

  get(name: string): Namespace {
    const r = this.s.stmt('SELECT * FROM namespaces WHERE name = ?').get(name) as Row | undefined;
    if (!r) throw new NotFoundError(`namespace "${name}": not found`);
    return toNamespace(r);
  }

  exists(name: string): boolean {
    return this.s.stmt('SELECT 1 FROM namespaces WHERE name = ?').get(name) !== undefined;
  }

  list(): Namespace[] {
    return (this.s.stmt('SELECT * FROM namespaces ORDER BY name').all() as Row[]).map(toNamespace);
  }

  /** Creates a namespace; AlreadyExistsError if it exists. */
  create(name: string, labels: Labels = {}): Namespace {
    validateIdentifier('namespace', name);
    validateLabels(labels);
    return this.s.tx(() => {
      if (this.exists(name)) throw new AlreadyExistsError(`namespace "${name}": already exists`);
      const t = now();
      this.s.stmt('INSERT INTO namespaces (name, labels, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, labelsJson(labels), t, t);
      return this.get(name);
    });
  }

  /** Creates the namespace if missing; returns it either way. */
  ensure(name: string): Namespace {
    validateIdentifier('namespace', name);
    return this.s.tx(() => {
      const t = now();
      this.s.stmt("INSERT OR IGNORE INTO namespaces (name, labels, created_at, updated_at) VALUES (?, '{}', ?, ?)").run(name, t, t);
      return this.get(name);
    });
  }

  /** Replaces the labels of a namespace. */
  setLabels(name: string, labels: Labels): Namespace {
    validateLabels(labels);
    return this.s.tx(() => {
      const r = this.s.stmt('UPDATE namespaces SET labels = ?, updated_at = ? WHERE name = ?').run(labelsJson(labels), now(), name);
      if (r.changes === 0) throw new NotFoundError(`namespace "${name}": not found`);
      return this.get(name);
    });
  }

  /** Removes an empty namespace; StateError naming what is still in it otherwise. */
  remove(name: string): void {
    this.s.tx(() => {
      if (!this.exists(name)) throw new NotFoundError(`namespace "${name}": not found`);
      const held: string[] = [];
      for (const [table, what] of CONTENTS) {
        const { n } = this.s.stmt(`SELECT count(*) AS n FROM ${table} WHERE namespace = ?`).get(name) as { n: number };
        if (n > 0) held.push(`${n} ${what}`);
      }
      if (held.length > 0) throw new StateError(`namespace "${name}": must be empty, but it still has ${held.join(', ')}`);
      this.s.stmt('DELETE FROM namespaces WHERE name = ?').run(name);
    });
  }
}
