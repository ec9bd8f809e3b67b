/**
 * The database schema, versioned with `PRAGMA user_version`: migration N takes a database at
 * version N-1 to N. Migrations run inside one IMMEDIATE transaction, so concurrent first opens
 * apply each exactly once and a crash mid-migration leaves the previous version intact.
 * Times are milliseconds since the epoch; labels and opaque documents are JSON text.
 */
import { UnsupportedError } from '../errors';
import type { Database } from './sqlite';

const MIGRATIONS: readonly string[] = [
  // 1: the initial schema.
  `
  CREATE TABLE namespaces (
    name       TEXT PRIMARY KEY,
    labels     TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE images (
    namespace         TEXT NOT NULL REFERENCES namespaces(name),
    name              TEXT NOT NULL,
    target_media_type TEXT NOT NULL,
    target_digest     TEXT NOT NULL,
    target_size       INTEGER NOT NULL,
    labels            TEXT NOT NULL DEFAULT '{}',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (namespace, name)
  ) STRICT;

  CREATE TABLE containers (
    namespace    TEXT NOT NULL REFERENCES namespaces(name),
    id           TEXT NOT NULL,
    image        TEXT NOT NULL DEFAULT '',
    runtime      TEXT NOT NULL,
    spec         TEXT NOT NULL DEFAULT 'null',
    snapshotter  TEXT NOT NULL DEFAULT '',
    snapshot_key TEXT NOT NULL DEFAULT '',
    labels       TEXT NOT NULL DEFAULT '{}',
    extensions   TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (namespace, id)
  ) STRICT;

  CREATE TABLE content (
    namespace  TEXT NOT NULL REFERENCES namespaces(name),
    digest     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    labels     TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, digest)
  ) STRICT;
  CREATE INDEX content_by_digest ON content(digest);

  CREATE TABLE snapshots (
    snapshotter TEXT NOT NULL,
    namespace   TEXT NOT NULL REFERENCES namespaces(name),
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent      TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('active', 'view', 'committed')),
    labels      TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (snapshotter, namespace, key),
    -- A parent cannot go while a child needs it (RESTRICT is the default action).
    FOREIGN KEY (snapshotter, namespace, parent) REFERENCES snapshots(snapshotter, namespace, key)
  ) STRICT;
  CREATE INDEX snapshots_by_parent ON snapshots(snapshotter, namespace, parent);
  CREATE INDEX snapshots_by_name ON snapshots(snapshotter, name);

  CREATE TABLE leases (
    namespace  TEXT NOT NULL REFERENCES namespaces(name),
    id         TEXT NOT NULL,
    labels     TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (namespace, id)
  ) STRICT;

  CREATE TABLE lease_resources (
    namespace   TEXT NOT NULL,
    lease       TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('content', 'snapshot', 'ingest')),
    snapshotter TEXT NOT NULL DEFAULT '',
    id          TEXT NOT NULL,
    PRIMARY KEY (namespace, lease, type, snapshotter, id),
    FOREIGN KEY (namespace, lease) REFERENCES leases(namespace, id) ON DELETE CASCADE
  ) STRICT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database, file: string): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  // Cheap check outside a write transaction: the common case is an up-to-date database.
  if (current() === SCHEMA_VERSION) return;
  db.transaction(() => {
    const from = current();
    if (from > SCHEMA_VERSION) {
      throw new UnsupportedError(`metadata database ${file}: schema version ${from} is newer than this berth's (${SCHEMA_VERSION})`);
    }
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
