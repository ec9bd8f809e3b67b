/**
 * containerd's filter syntax for `ctr containers ls`: each argument is a list of
 * `field==value`, `field!=value`, `field~=regexp` or bare `field` selectors joined by commas (all
 * must hold); a record matches when any argument matches. Fields: id, image, runtime.name,
 * snapshotter, snapshotkey, labels.<key> (a key or value may be double-quoted).
 */
import { InvalidArgumentError } from '../errors';
import type { Container } from '../metadata/types';

interface Selector { field: string[]; op?: '==' | '!=' | '~='; value?: string; re?: RegExp }

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

/** Splits on `sep` outside double quotes. */
function split(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\' && quoted && i + 1 < s.length) {
      cur += ch + (s[++i] as string);
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (quoted) throw new InvalidArgumentError(`filter "${s}": unterminated quote`);
  out.push(cur);
  return out;
}

function parseSelector(text: string, whole: string): Selector {
  const m = /^(.*?)(==|!=|~=)(.*)$/s.exec(text);
  const fieldText = m ? (m[1] as string) : text;
  // A field path is names joined by dots (a quoted one may hold anything): what else follows a
  // name is where containerd's parser wants an operator.
  if (!/^\s*(?:[\w-]+|"(?:[^"\\]|\\.)*")(?:\.(?:[\w-]+|"(?:[^"\\]|\\.)*"))*\s*$/.test(fieldText)) {
    throw new InvalidArgumentError(`filters: parse error: [${whole}]: expected an operator ("=="|"!="|"~=")`);
  }
  const [head, ...rest] = split(fieldText.trim(), '.');
  if (!head) throw new InvalidArgumentError(`filter "${whole}": a selector needs a field name`);
  // labels.<key>: the key keeps its dots.
  const field = head === 'labels' && rest.length ? ['labels', unquote(rest.join('.'))] : [head, ...rest].map(unquote);
  if (!m) return { field };
  const op = m[2] as Selector['op'];
  const value = unquote(m[3] as string);
  if (op === '~=') {
    try {
      return { field, op, value, re: new RegExp(value) };
    } catch (err) {
      throw new InvalidArgumentError(`filter "${whole}": ${(err as Error).message}`);
    }
  }
  return { field, op, value };
}

export type ContainerMatcher = (c: Container) => boolean;

function fieldValue(c: Container, f: string[]): string | undefined {
  switch (f.join('.')) {
    case 'id': return c.id;
    case 'image': return c.image;
    case 'runtime.name': return c.runtime.name;
    case 'snapshotter': return c.snapshotter;
    case 'snapshotkey': return c.snapshotKey;
    default: return f[0] === 'labels' && f.length === 2 ? c.labels[f[1] as string] : undefined;
  }
}

export function parseContainerFilters(filters: string[]): ContainerMatcher {
  if (filters.length === 0) return () => true;
  const alternatives = filters.map((f) => split(f, ',').map((s) => parseSelector(s, f)));
  return (c) => alternatives.some((sels) => sels.every((s) => {
    const v = fieldValue(c, s.field);
    if (s.op === undefined) return v !== undefined;
    if (s.op === '==') return v === s.value;
    if (s.op === '!=') return v !== s.value;
    return v !== undefined && (s.re as RegExp).test(v);
  }));
}
