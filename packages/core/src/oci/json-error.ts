/**
 * Where and why a JSON text fails to parse. JSON.parse's messages do not always carry a
 * position ("Unexpected token '}', ... is not valid JSON"), so on failure the text is
 * scanned again by this small recogniser, which stops at the first error. It only runs on
 * text JSON.parse already rejected, so it is not on any fast path.
 */

export interface JsonSyntaxError {
  /** 1-based line and column (in UTF-16 units, like editors count for BMP text). */
  line: number;
  column: number;
  reason: string;
}

class Stop {
  constructor(readonly pos: number, readonly reason: string) {}
}

/** The first syntax error in `text`, or undefined if it is valid JSON. */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;

  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const got = (): string => {
    if (i >= n) return 'end of input';
    const c = text.charCodeAt(i);
    if (c === 0xfeff) return 'a byte order mark (save the file without one)';
    // Invisible characters are shown as escapes so the message stays one readable line.
    return c < 0x20 || c >= 0x7f ? `character \\u${c.toString(16).padStart(4, '0')}` : `character ${JSON.stringify(text[i])}`;
  };
  const fail = (expected: string): never => {
    throw new Stop(i, `expected ${expected}, found ${got()}`);
  };

  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`"${word}"`);
      i++;
    }
  };

  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) throw new Stop(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return; }
      if (c < 0x20) throw new Stop(i, 'control character in string (escape it)');
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) { i += k; fail('four hex digits after \\u'); }
          }
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          fail('an escape character (one of "\\/bfnrtu)');
        }
      } else {
        i++;
      }
    }
  };

  const digits = (): void => {
    if (!/[0-9]/.test(text[i] ?? '')) fail('a digit');
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };

  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') { i++; digits(); }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };

  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail('a value');
  };

  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') { i++; return; }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(text[i] === '}' ? 'a property name (no trailing comma allowed)' : 'a double-quoted property name');
      string();
      ws();
      if (text[i] !== ':') fail("':' after the property name");
      i++;
      value();
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; return; }
      fail("',' or '}' after a property value");
    }
  };

  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') { i++; return; }
    for (;;) {
      ws();
      if (text[i] === ']') fail('a value (no trailing comma allowed)');
      value();
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; return; }
      fail("',' or ']' after an array element");
    }
  };

  try {
    value();
    ws();
    if (i < n) fail('end of input after the JSON value');
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { ...lineColumn(text, e.pos), reason: e.reason };
  }
}

export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = 0; k < pos && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) { line++; start = k + 1; }
  }
  return { line, column: pos - start + 1 };
}
