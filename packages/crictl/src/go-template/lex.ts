/** The tokens of a Go text/template (delimiters `{{` `}}`, trim markers, comments), as text/template/parse lexes them. */

export type TokenType =
  | 'text' | 'open' | 'close' | 'ident' | 'keyword' | 'field' | 'variable' | 'dot' | 'string' | 'char'
  | 'number' | 'bool' | 'nil' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'eof';

export interface Token {
  type: TokenType;
  /** The token's source text (for text: after trimming). */
  val: string;
  /** Byte offset in the template, for error positions. */
  pos: number;
  /** Whether white space came before it inside the action (it separates a command's arguments). */
  space: boolean;
}

/** A parse error at a byte offset; the parser names the line. */
export class TemplateSyntaxError extends Error {
  constructor(readonly pos: number, message: string) {
    super(message);
  }
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'template', 'define', 'block']);
const SPACE = /[ \t\r\n]/;
const ALNUM = /[\p{L}\p{Nd}_]/u;

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    const end = open < 0 ? src.length : open;
    const trimBefore = open >= 0 && /^\{\{-[ \t\r\n]/.test(src.slice(open, open + 4));
    let text = src.slice(i, end);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (trimBefore) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) out.push({ type: 'text', val: text, pos: i, space: false });
    if (open < 0) break;
    i = open + (trimBefore ? 3 : 2);
    // A comment fills the whole action.
    const afterSpace = trimBefore ? i + 1 : i;
    if (src.startsWith('/*', afterSpace)) {
      const close = src.indexOf('*/', afterSpace + 2);
      if (close < 0) throw new TemplateSyntaxError(open, 'unclosed comment');
      const rest = src.slice(close + 2);
      if (rest.startsWith('}}')) { trimNext = false; i = close + 4; continue; }
      if (/^[ \t\r\n]-}}/.test(rest)) { trimNext = true; i = close + 6; continue; }
      throw new TemplateSyntaxError(open, 'comment ends before closing delimiter');
    }
    out.push({ type: 'open', val: '{{', pos: open, space: false });
    i = lexAction(src, i, out);
    const last = out[out.length - 1] as Token;
    trimNext = last.val === '-}}';
  }
  out.push({ type: 'eof', val: '', pos: src.length, space: false });
  return out;
}

/** Lexes one action's inside, up to and including its closing delimiter; returns the offset after it. */
function lexAction(src: string, start: number, out: Token[]): number {
  let i = start;
  let space = false;
  let parens = 0;
  const push = (type: TokenType, from: number, to: number): void => {
    out.push({ type, val: src.slice(from, to), pos: from, space });
    space = false;
    i = to;
  };
  for (;;) {
    if (i >= src.length) throw new TemplateSyntaxError(start, 'unclosed action');
    const c = src[i] as string;
    if (SPACE.test(c)) {
      while (i < src.length && SPACE.test(src[i] as string)) i += 1;
      // White space then "-}}" closes with a trim marker (any run of it, as Go's lexer).
      if (src.startsWith('-}}', i)) {
        if (parens > 0) throw new TemplateSyntaxError(i, 'unclosed left paren');
        out.push({ type: 'close', val: '-}}', pos: i, space: true });
        return i + 3;
      }
      space = true;
      continue;
    }
    if (src.startsWith('}}', i)) {
      if (parens > 0) throw new TemplateSyntaxError(i, 'unclosed left paren');
      push('close', i, i + 2);
      return i;
    }
    if (c === '|') push('pipe', i, i + 1);
    else if (c === '(') { parens += 1; push('lparen', i, i + 1); }
    else if (c === ')') {
      if (parens === 0) throw new TemplateSyntaxError(i, 'unexpected right paren');
      parens -= 1;
      push('rparen', i, i + 1);
    } else if (c === ',') push('comma', i, i + 1);
    else if (src.startsWith(':=', i)) push('declare', i, i + 2);
    else if (c === '=') push('assign', i, i + 1);
    else if (c === '"') push('string', i, quoted(src, i, '"', 'unterminated quoted string'));
    else if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new TemplateSyntaxError(i, 'unterminated raw quoted string');
      push('string', i, close + 1);
    } else if (c === "'") push('char', i, quoted(src, i, "'", 'unterminated character constant'));
    else if (c === '$') push('variable', i, word(src, i + 1));
    else if (c === '.' && !/[0-9]/.test(src[i + 1] ?? '')) {
      const to = word(src, i + 1);
      push(to === i + 1 ? 'dot' : 'field', i, to);
    } else if (/[0-9+\-.]/.test(c)) {
      const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i));
      const len = m?.[0].length ?? 0;
      if (len === 0 || !/[0-9]/.test(m?.[0] ?? '') || ALNUM.test(src[i + len] ?? '')) {
        throw new TemplateSyntaxError(i, `bad number syntax: ${JSON.stringify(src.slice(i, word(src, i + 1)))}`);
      }
      push('number', i, i + len);
    } else if (ALNUM.test(c)) {
      const to = word(src, i);
      const w = src.slice(i, to);
      push(w === 'true' || w === 'false' ? 'bool' : w === 'nil' ? 'nil' : KEYWORDS.has(w) ? 'keyword' : 'ident', i, to);
    } else {
      throw new TemplateSyntaxError(i, `unexpected ${JSON.stringify(c)} in command`);
    }
  }
}

function word(src: string, from: number): number {
  let i = from;
  while (i < src.length && ALNUM.test(src[i] as string)) i += 1;
  return i;
}

function quoted(src: string, from: number, q: string, unterminated: string): number {
  let i = from + 1;
  while (i < src.length && src[i] !== q) {
    if (src[i] === '\n') break;
    i += src[i] === '\\' ? 2 : 1;
  }
  if (i >= src.length || src[i] !== q) throw new TemplateSyntaxError(from, unterminated);
  return i + 1;
}
