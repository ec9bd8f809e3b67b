/**
 * The process user from a `user[:group]` string, resolved through the rootfs's /etc/passwd and
 * /etc/group as containerd's WithUser/WithUserID/WithUsername/WithAdditionalGIDs do.
 */
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { User } from '../oci/types';
import type { RootfsReader } from './rootfs-files';

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

const NUMERIC = /^[0-9]+$/;
const MAX_ID = 0xffffffff;

function parseId(s: string, what: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n > MAX_ID) throw new InvalidArgumentError(`${what} ${s}: out of range`);
  return n;
}

function passwd(read: RootfsReader): PasswdEntry[] | undefined {
  const text = read('/etc/passwd');
  if (text === undefined) return undefined;
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 4 || f[0] === '' || line.startsWith('#') || !NUMERIC.test(f[2] ?? '') || !NUMERIC.test(f[3] ?? '')) continue;
    out.push({ name: f[0] as string, uid: Number(f[2]), gid: Number(f[3]) });
  }
  return out;
}

function groups(read: RootfsReader): GroupEntry[] | undefined {
  const text = read('/etc/group');
  if (text === undefined) return undefined;
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 3 || f[0] === '' || line.startsWith('#') || !NUMERIC.test(f[2] ?? '')) continue;
    out.push({ name: f[0] as string, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

function userByName(read: RootfsReader, name: string): PasswdEntry {
  const u = passwd(read)?.find((e) => e.name === name);
  if (!u) throw new NotFoundError(`user "${name}": not found in the rootfs's /etc/passwd`);
  return u;
}

function groupByName(read: RootfsReader, name: string): GroupEntry {
  const g = groups(read)?.find((e) => e.name === name);
  if (!g) throw new NotFoundError(`group "${name}": not found in the rootfs's /etc/group`);
  return g;
}

/** uid and gid for `user`, `uid`, `user:group`, `uid:gid` (either side a name or a number). */
export function resolveUser(spec: string, read: RootfsReader): { uid: number; gid: number } {
  const parts = spec.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new InvalidArgumentError(`user "${spec}": expected user[:group]`);
  const [u, g] = parts as [string, string | undefined];
  if (g === undefined) {
    if (NUMERIC.test(u)) {
      // A uid with no passwd entry still runs, with gid 0 (WithUserID).
      const uid = parseId(u, 'uid');
      const e = passwd(read)?.find((x) => x.uid === uid);
      return { uid, gid: e ? e.gid : 0 };
    }
    const e = userByName(read, u);
    return { uid: e.uid, gid: e.gid };
  }
  const uid = NUMERIC.test(u) ? parseId(u, 'uid') : userByName(read, u).uid;
  const gid = NUMERIC.test(g) ? parseId(g, 'gid') : groupByName(read, g).gid;
  return { uid, gid };
}

/**
 * The primary gid followed by the groups that list the user as a member (WithAdditionalGIDs,
 * with the primary gid first since the CVE-2023-25173 fix). `userSpec` is the string the user
 * was given as; a number is looked up in /etc/passwd for the name.
 */
export function additionalGids(userSpec: string, user: { uid: number; gid: number }, read: RootfsReader): number[] {
  let name: string | undefined = userSpec;
  if (NUMERIC.test(userSpec)) {
    const uid = Number(userSpec);
    name = passwd(read)?.find((e) => e.uid === uid)?.name;
  }
  const extra: number[] = [];
  const all = name === undefined ? undefined : groups(read);
  for (const g of all ?? []) {
    if (g.name !== name && g.members.includes(name as string) && !extra.includes(g.gid)) extra.push(g.gid);
  }
  return extra.includes(user.gid) ? extra : [user.gid, ...extra];
}

/** The OCI user for `spec`, with its additional gids. */
export function specUser(spec: string, read: RootfsReader): User {
  const u = resolveUser(spec, read);
  return { uid: u.uid, gid: u.gid, additionalGids: additionalGids(spec, u, read) };
}
