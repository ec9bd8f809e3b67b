/** `list` and `state`: read-only views of the containers under a runtime root. */
import * as fs from 'node:fs';
import { containerPaths } from '../layout';
import { CorruptRecordError, listIds, readRecord, stateView, type StateView } from './container';

export interface ListEntry extends StateView {
  /** The user name owning the container's state (runc's OWNER column). */
  ownerName: string;
}

export function containerState(root: string, id: string): StateView {
  return stateView(root, readRecord(root, id));
}

/**
 * The containers under `root`. One whose record cannot be read for good (a corrupt state.json)
 * is left out and named to `skipped` (runc prints `load container ID: …` and goes on); one being
 * created or deleted right now is left out silently.
 */
export function listContainers(root: string, skipped?: (id: string, reason: string) => void): ListEntry[] {
  const out: ListEntry[] = [];
  for (const id of listIds(root)) {
    let view: StateView;
    let uid: number;
    try {
      const rec = readRecord(root, id);
      view = stateView(root, rec);
      // runc names the owner of the state directory: the uid that created it, which the record
      // holds (a stat of each container's file less).
      uid = typeof rec.ownerUid === 'number' ? rec.ownerUid : fs.statSync(containerPaths(root, id).state).uid;
    } catch (err) {
      if (err instanceof CorruptRecordError) skipped?.(id, err.message.replace(`container ${id}: `, ''));
      continue; // being created or deleted right now: runc skips these too
    }
    (view as ListEntry).ownerName = userName(uid);
    out.push(view as ListEntry);
  }
  return out;
}

let passwd: Map<number, string> | undefined;
function userName(uid: number): string {
  if (!passwd) {
    passwd = new Map();
    try {
      for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const f = line.split(':');
        if (f.length > 2) passwd.set(Number(f[2]), f[0]);
      }
    } catch { /* no passwd: numeric ids */ }
  }
  return passwd.get(uid) ?? `#${uid}`;
}
