/**
 * Platforms (os/arch/variant): the host's, parsing of `--platform` strings, and a matcher that
 * ranks candidates in containerd's default order (exact first, then what the host can also run).
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

const OS_ALIASES: Record<string, string> = { macos: 'darwin' };
const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'illumos', 'ios', 'js', 'linux', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows']);

/** containerd's normalisation: aliases to GOARCH names and the variants that mean "default". */
export function normalizeArch(arch: string, variant = ''): { architecture: string; variant: string } {
  const a = arch.toLowerCase();
  let v = variant.toLowerCase();
  switch (a) {
    case 'i386': case 'i486': case 'i586': case 'i686': case 'x86': case 'ia32':
      return { architecture: '386', variant: '' };
    case 'x86_64': case 'x86-64': case 'amd64': case 'x64':
      if (v === 'v1') v = '';
      return { architecture: 'amd64', variant: v };
    case 'aarch64': case 'arm64':
      if (v === '8' || v === 'v8' || v === 'v8.0') v = '';
      return { architecture: 'arm64', variant: v };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      if (v === '' || v === '7') v = 'v7';
      else if (v === '5' || v === '6' || v === '8') v = `v${v}`;
      return { architecture: 'arm', variant: v };
    case 'ppc64': // node reports ppc64 on little-endian POWER too
      return { architecture: 'ppc64le', variant: v };
    default:
      return { architecture: a, variant: v };
  }
}

export function normalizePlatform(p: Platform): Platform {
  const os = (OS_ALIASES[p.os.toLowerCase()] ?? p.os.toLowerCase());
  const { architecture, variant } = normalizeArch(p.architecture, p.variant ?? '');
  const out: Platform = { os, architecture };
  if (variant !== '') out.variant = variant;
  if (p['os.version'] !== undefined) out['os.version'] = p['os.version'];
  if (p['os.features'] !== undefined) out['os.features'] = p['os.features'];
  return out;
}

function armVariant(): string {
  // Node's build variable names the ARM level; fall back to /proc/cpuinfo's "CPU architecture".
  const v = (process.config.variables as Record<string, unknown>)['arm_version'];
  if (typeof v === 'string' && v !== '') return `v${v}`;
  try {
    const m = /^CPU architecture\s*:\s*(\d+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return `v${Math.min(Number(m[1]), 7)}`;
  } catch { /* no cpuinfo: the default variant */ }
  return 'v7';
}

/** The platform this process runs on, normalised (`linux/amd64`, `linux/arm64`, `linux/arm/v7`). */
export function hostPlatform(): Platform {
  const variant = process.arch === 'arm' ? armVariant() : '';
  return normalizePlatform({ os: process.platform, architecture: process.arch, variant });
}

/**
 * Parses `os[/arch[/variant]]` or a lone `arch` (then the host's os), as `--platform` takes it.
 * A lone known os name gets the host's architecture.
 */
export function parsePlatform(spec: string): Platform {
  const s = spec.trim();
  const parts = s.split('/');
  if (s === '' || parts.length > 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new InvalidArgumentError(`invalid platform "${spec}": expected os[/arch[/variant]]`);
  }
  const host = hostPlatform();
  if (parts.length === 1) {
    const one = parts[0]!.toLowerCase();
    if (KNOWN_OS.has(OS_ALIASES[one] ?? one)) {
      return normalizePlatform({ ...host, os: one });
    }
    return normalizePlatform({ os: host.os, architecture: one });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  const p: Platform = { os, architecture };
  if (variant !== undefined) p.variant = variant;
  return normalizePlatform(p);
}

export function formatPlatform(p: Platform): string {
  const n = normalizePlatform(p);
  return `${n.os}/${n.architecture}${n.variant ? `/${n.variant}` : ''}`;
}

/** The platforms a machine of `p` can run, best first (containerd's platform vector). */
export function compatiblePlatforms(p: Platform): Platform[] {
  const n = normalizePlatform(p);
  const out: Platform[] = [n];
  const base = { os: n.os };
  const level = (v: string | undefined): number => Number.parseInt((v ?? '').replace(/^v/, ''), 10);
  switch (n.architecture) {
    case 'amd64': {
      const l = level(n.variant);
      if (Number.isFinite(l)) for (let i = l - 1; i >= 1; i--) out.push(normalizePlatform({ ...base, architecture: 'amd64', variant: `v${i}` }));
      out.push({ ...base, architecture: '386' });
      break;
    }
    case 'arm': {
      const l = level(n.variant);
      if (Number.isFinite(l)) for (let i = l - 1; i >= 5; i--) out.push({ ...base, architecture: 'arm', variant: `v${i}` });
      break;
    }
    case 'arm64': {
      // 64-bit ARM runs 32-bit ARM code of v8 and below (where the kernel allows).
      out.push(...compatiblePlatforms({ ...base, architecture: 'arm', variant: 'v8' }));
      break;
    }
  }
  return out;
}

export interface PlatformMatcher {
  /** Whether an image for `p` runs here. */
  match(p: Platform): boolean;
  /** Rank of `p` (0 best); Infinity when it does not match. */
  rank(p: Platform): number;
  /** Orders candidates best first, dropping those that do not match. */
  sort<T extends { platform?: Platform }>(items: T[]): T[];
}

function samePlatform(a: Platform, b: Platform): boolean {
  return a.os === b.os && a.architecture === b.architecture && (a.variant ?? '') === (b.variant ?? '');
}

/** Matcher for one platform and what it can run; `hostPlatform()` by default, like containerd's default. */
export function platformMatcher(target: Platform = hostPlatform()): PlatformMatcher {
  const vector = compatiblePlatforms(target);
  const rank = (p: Platform): number => {
    const n = normalizePlatform(p);
    const i = vector.findIndex((v) => samePlatform(v, n));
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  return {
    match: (p) => rank(p) !== Number.POSITIVE_INFINITY,
    rank,
    sort: (items) => items
      .map((item, index) => ({ item, index, r: item.platform ? rank(item.platform) : Number.POSITIVE_INFINITY }))
      .filter((x) => x.r !== Number.POSITIVE_INFINITY)
      .sort((a, b) => a.r - b.r || a.index - b.index)
      .map((x) => x.item),
  };
}
