/**
 * Writes tar members onto a snapshot directory with full control of each: owners, modes
 * (setuid kept: chmod after chown), xattrs, links, device nodes, fifos, mtimes (directories
 * last), and overlayfs or native whiteouts. Names never lead outside the target.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { S_IFBLK, S_IFCHR, makedev, mkfifo, mknod } from '../../sys/file';
import { lsetxattr } from '../../sys/xattr';
import type { TarEntry } from './tar-header';
import type { TarHandler } from './tar-parser';
import { UnsafeEntryError, lstatOrUndefined, nameComponents, resolveExisting, resolveInside } from './secure-path';

/** overlay: whiteouts become 0/0 character devices and opaque xattrs (for an upperdir); native: deletions. */
export type WhiteoutMode = 'overlay' | 'native';

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';
const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

interface OpenFile { entry: TarEntry; path: string; fd: number }

export class LayerWriter implements TarHandler {
  private file: OpenFile | undefined;
  private readonly dirTimes: Array<[string, number]> = [];
  // Host paths this layer created: a native opaque directory keeps them and drops the rest.
  private readonly written = new Set<string>();
  // Host paths checked to be real directories (lstat'ed or made here): parents are then not
  // lstat'ed again for every member below them. Emptied whenever a directory is removed, since
  // a name checked before could then be recreated as a symlink.
  private readonly dirs = new Set<string>();
  entries = 0;

  constructor(private readonly root: string, private readonly whiteouts: WhiteoutMode) {}

  entry(e: TarEntry): void {
    this.entries++;
    const comps = nameComponents(e.name, e.name);
    if (comps.length === 0) {
      if (e.type !== 'dir') throw new UnsafeEntryError(`layer entry ${JSON.stringify(e.name)}: a ${e.type} cannot replace the target's root`);
      return; // the layer's "./": the snapshot's own root keeps its metadata
    }
    const base = comps[comps.length - 1] as string;
    if (base.startsWith(WH)) { this.whiteout(e, comps, base); return; }

    const p = resolveInside(this.root, comps, e.name, (c) => this.written.add(c), this.dirs);
    if (e.type === 'file') {
      this.file = { entry: e, path: p, fd: this.createFile(p) };
      this.written.add(p);
      return; // metadata once its data is written (entryEnd)
    }
    if (e.type === 'hardlink') { this.hardlink(e, p); return; }
    const old = lstatOrUndefined(p);
    this.removeOld(p, old, e.type);
    const perm = e.mode & 0o7777;
    switch (e.type) {
      case 'dir':
        if (!old || !old.isDirectory()) fs.mkdirSync(p, { mode: 0o700 });
        this.dirs.add(p);
        break;
      case 'symlink':
        fs.symlinkSync(e.linkname, p);
        break;
      case 'char':
      case 'block':
        mknod(p, (e.type === 'char' ? S_IFCHR : S_IFBLK) | perm, makedev(e.devmajor, e.devminor));
        break;
      case 'fifo':
        mkfifo(p, perm);
        break;
    }
    this.written.add(p);
    fs.lchownSync(p, e.uid, e.gid);
    if (e.type !== 'symlink') fs.chmodSync(p, perm); // not a symlink: lstat'ed/created just above
    this.setXattrs(p, e);
    if (e.type === 'dir') this.dirTimes.push([p, e.mtime]);
    else fs.lutimesSync(p, e.mtime, e.mtime);
  }

  data(chunk: Buffer): void {
    const f = this.file;
    if (!f) return; // data of a whiteout marker: dropped
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(f.fd, chunk, off, chunk.length - off);
  }

  entryEnd(): void {
    const f = this.file;
    if (!f) return;
    this.file = undefined;
    try {
      fs.fchownSync(f.fd, f.entry.uid, f.entry.gid);
      fs.fchmodSync(f.fd, f.entry.mode & 0o7777); // after chown, which clears setuid/setgid
      this.setXattrs(f.path, f.entry);
      fs.futimesSync(f.fd, f.entry.mtime, f.entry.mtime);
    } finally {
      fs.closeSync(f.fd);
    }
  }

  /**
   * A hard link to a member written before it (in this layer, or below it in a native full
   * copy); it shares the target's inode and metadata. The target is found before the name is
   * cleared: GNU tar given a path twice writes the second copy of each file as a link to the
   * first, i.e. to itself, and a link to the inode already at the name leaves it as it is (as
   * GNU tar's extraction does) instead of deleting the target it was about to link to.
   */
  private hardlink(e: TarEntry, p: string): void {
    const lc = nameComponents(e.linkname, e.name, 'hard link target');
    const tp = lc.length > 0 ? resolveExisting(this.root, lc, e.name) : undefined;
    const st = tp ? lstatOrUndefined(tp) : undefined;
    if (!tp || !st) throw new UnsafeEntryError(`layer entry ${JSON.stringify(e.name)}: hard link target ${JSON.stringify(e.linkname)} is not in the layer`);
    if (st.isDirectory()) throw new UnsafeEntryError(`layer entry ${JSON.stringify(e.name)}: hard link target ${JSON.stringify(e.linkname)} is a directory`);
    const old = lstatOrUndefined(p);
    if (!old || old.ino !== st.ino || old.dev !== st.dev) {
      this.removeOld(p, old, 'hardlink');
      fs.linkSync(tp, p); // link(2) does not follow a symlink target
    }
    this.written.add(p);
  }

  /**
   * A new regular file at `p`, never following a symlink there. O_EXCL first: in a fresh
   * upperdir the name is almost always free, which saves an lstat per file.
   */
  private createFile(p: string): number {
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
    try {
      return fs.openSync(p, flags, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    this.removeOld(p, lstatOrUndefined(p), 'file');
    return fs.openSync(p, flags, 0o600);
  }

  /** What a member replaces goes first; a directory stays when the member is one too. */
  private removeOld(p: string, old: fs.Stats | undefined, type: TarEntry['type']): void {
    if (!old || (old.isDirectory() && type === 'dir')) return;
    if (old.isDirectory()) {
      this.dirs.clear();
      fs.rmSync(p, { recursive: true, force: true });
    } else {
      fs.unlinkSync(p);
    }
  }

  /** Directory mtimes last: writing their children changed them. */
  finish(): void {
    for (let i = this.dirTimes.length - 1; i >= 0; i--) {
      const [p, t] = this.dirTimes[i] as [string, number];
      fs.lutimesSync(p, t, t);
    }
  }

  abort(): void {
    if (this.file) { try { fs.closeSync(this.file.fd); } catch { /* already closed */ } this.file = undefined; }
  }

  private setXattrs(p: string, e: TarEntry): void {
    for (const [name, value] of e.xattrs) {
      // A layer must not steer overlayfs (redirects, metacopy, its own opaque marks).
      if (name.startsWith('trusted.overlay.')) continue;
      lsetxattr(p, name, value);
    }
  }

  private whiteout(e: TarEntry, comps: string[], base: string): void {
    if (base === OPAQUE) {
      const dir = path.dirname(resolveInside(this.root, comps, e.name, (c) => this.written.add(c), this.dirs));
      if (this.whiteouts === 'overlay') lsetxattr(dir, OVERLAY_OPAQUE_XATTR, 'y');
      else this.clearLower(dir);
      return;
    }
    if (base.startsWith(`${WH}${WH}`)) return; // other aufs metadata (.wh..wh.plnk...): not content
    const name = base.slice(WH.length);
    if (name === '' || name === '.' || name === '..') throw new UnsafeEntryError(`layer entry ${JSON.stringify(e.name)}: malformed whiteout`);
    const wcomps = [...comps.slice(0, -1), name];
    if (this.whiteouts === 'native') {
      const gone = resolveExisting(this.root, wcomps, e.name);
      this.dirs.clear();
      if (gone) fs.rmSync(gone, { recursive: true, force: true }); // rm never follows symlinks
      return;
    }
    const target = resolveInside(this.root, wcomps, e.name, (c) => this.written.add(c), this.dirs);
    {
      if (lstatOrUndefined(target)) { this.dirs.clear(); fs.rmSync(target, { recursive: true, force: true }); }
      mknod(target, S_IFCHR, makedev(0, 0));
      this.written.add(target);
    }
  }

  /** Native opaque directory: everything below it that this layer did not write goes. */
  private clearLower(dir: string): void {
    this.dirs.clear();
    for (const child of fs.readdirSync(dir)) {
      const p = path.join(dir, child);
      if (!this.written.has(p)) { fs.rmSync(p, { recursive: true, force: true }); continue; }
      const st = fs.lstatSync(p);
      if (st.isDirectory()) this.clearLower(p);
    }
  }
}
