/** A push parser for a tar stream: fed decompressed chunks as they arrive, it calls the handler in order. */
import { InvalidArgumentError } from '../../errors';
import { BLOCK, isZeroBlock, makeEntry, parseHeader, parsePax, type TarEntry } from './tar-header';

export interface TarHandler {
  /** A new member; for regular files `data` calls follow, then `entryEnd`. */
  entry(e: TarEntry): void;
  data(chunk: Buffer): void;
  entryEnd(): void;
}

// Extension records larger than this are refused (a hostile stream could ask for gigabytes).
const MAX_EXT = 1 << 20;

type State = 'header' | 'data' | 'ext' | 'end';

export class TarParser {
  private state: State = 'header';
  private hdr = Buffer.alloc(BLOCK);
  private hdrFill = 0;
  private remaining = 0; // data bytes left in the current member
  private padding = 0; // bytes to skip after the data
  private offset = 0; // stream offset, for messages
  private ext: { kind: string; bufs: Buffer[] } | undefined;
  private globalPax = new Map<string, Buffer>();
  private pax = new Map<string, Buffer>();
  private longName: string | undefined;
  private longLink: string | undefined;
  private zeroBlocks = 0;

  constructor(private readonly handler: TarHandler) {}

  write(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'end') return; // trailing zero padding: hashed by the caller, nothing to do
      if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - i);
        this.padding -= n; i += n; this.offset += n;
        continue;
      }
      if (this.state === 'header') {
        const n = Math.min(BLOCK - this.hdrFill, chunk.length - i);
        chunk.copy(this.hdr, this.hdrFill, i, i + n);
        this.hdrFill += n; i += n; this.offset += n;
        if (this.hdrFill === BLOCK) { this.hdrFill = 0; this.onHeader(); }
        continue;
      }
      // data or ext
      const n = Math.min(this.remaining, chunk.length - i);
      const part = chunk.subarray(i, i + n);
      this.remaining -= n; i += n; this.offset += n;
      if (this.state === 'data') { if (n > 0) this.handler.data(part); } else this.ext?.bufs.push(Buffer.from(part));
      if (this.remaining === 0) this.finishMember();
    }
  }

  /** The stream ended: it must end between members. */
  end(): void {
    if (this.state === 'end') return;
    if (this.state !== 'header' || this.hdrFill !== 0 || this.padding !== 0 || this.ext || this.pax.size > 0 || this.longName !== undefined) {
      throw new InvalidArgumentError(`tar stream truncated at offset ${this.offset}`);
    }
  }

  private onHeader(): void {
    if (isZeroBlock(this.hdr)) {
      if (++this.zeroBlocks >= 2) this.state = 'end';
      return;
    }
    if (this.zeroBlocks > 0) this.zeroBlocks = 0; // a lone zero block inside: tolerated like GNU tar -i
    const h = parseHeader(this.hdr, this.offset - BLOCK);
    const pad = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;
    if (h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'L' || h.typeflag === 'K') {
      if (h.size > MAX_EXT) throw new InvalidArgumentError(`tar extension header at offset ${this.offset - BLOCK} is too large (${h.size} bytes)`);
      this.ext = { kind: h.typeflag, bufs: [] };
      this.remaining = h.size;
      this.padding = 0;
      this.state = 'ext';
      this.extPad = pad(h.size);
      if (h.size === 0) this.finishMember();
      return;
    }
    const pax = new Map([...this.globalPax, ...this.pax]);
    const e = makeEntry(h, pax, this.longName, this.longLink);
    this.pax = new Map(); this.longName = undefined; this.longLink = undefined;
    this.handler.entry(e);
    this.remaining = e.size;
    this.extPad = pad(e.size);
    this.state = 'data';
    if (e.size === 0) this.finishMember();
  }

  private extPad = 0;

  private finishMember(): void {
    if (this.state === 'ext' && this.ext) {
      const data = Buffer.concat(this.ext.bufs);
      const kind = this.ext.kind;
      this.ext = undefined;
      if (kind === 'x') this.pax = parsePax(data);
      else if (kind === 'g') for (const [k, v] of parsePax(data)) this.globalPax.set(k, v);
      else {
        const z = data.indexOf(0);
        const s = (z < 0 ? data : data.subarray(0, z)).toString('utf8');
        if (kind === 'L') this.longName = s; else this.longLink = s;
      }
    } else {
      this.handler.entryEnd();
    }
    this.padding = this.extPad;
    this.extPad = 0;
    this.state = 'header';
  }
}
