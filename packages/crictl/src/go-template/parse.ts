/**
 * Go text/template's syntax tree, parsed as text/template/parse does: text, actions with
 * pipelines, if/else if/with/range/else/end, break/continue, variables with their scopes, and
 * parenthesised pipelines with field chains. `define`, `template` and `block` are refused (crictl
 * runs one anonymous template).
 */
import { lex, TemplateSyntaxError, type Token } from './lex';
import { GoInt, type Value } from './values';

export type Arg =
  | { kind: 'field'; pos: number; idents: string[] }
  | { kind: 'variable'; pos: number; name: string; idents: string[] }
  | { kind: 'chain'; pos: number; node: Arg; idents: string[] }
  | { kind: 'ident'; pos: number; name: string }
  | { kind: 'pipe'; pos: number; pipe: Pipe }
  | { kind: 'dot' | 'nil'; pos: number }
  | { kind: 'literal'; pos: number; text: string; value: Value };

export interface Command { pos: number; args: Arg[] }
export interface Pipe { pos: number; decl: string[]; isAssign: boolean; cmds: Command[] }

export interface Control { kind: 'if' | 'with' | 'range'; pos: number; pipe: Pipe; list: Node[]; elseList: Node[] | undefined }

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pos: number; pipe: Pipe }
  | Control
  | { kind: 'break' | 'continue'; pos: number };

/** Names a parse may call: the builtins and crictl's additions (exec.ts holds both). */
export function parseTemplate(src: string, functions: ReadonlySet<string>): Node[] {
  return new Parser(lex(src), functions).root();
}

type Stop = 'end' | 'else' | 'eof';

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(private readonly toks: Token[], private readonly functions: ReadonlySet<string>) {}

  root(): Node[] {
    const { nodes, stop, at } = this.list();
    if (stop !== 'eof') throw new TemplateSyntaxError(at, `unexpected {{${stop}}}`);
    return nodes;
  }

  private peek(): Token { return this.toks[this.i] as Token; }
  private next(): Token { return this.toks[this.i++] as Token; }

  private expectClose(context: string): void {
    const t = this.next();
    if (t.type !== 'close') throw new TemplateSyntaxError(t.pos, `unexpected ${describe(t)} in ${context}`);
  }

  /** Nodes up to {{end}}, {{else…}} or the end of the text. For else, the parser stands on what follows `else`. */
  private list(): { nodes: Node[]; stop: Stop; at: number } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === 'eof') return { nodes, stop: 'eof', at: t.pos };
      if (t.type === 'text') { nodes.push({ kind: 'text', text: t.val }); continue; }
      // t is an opening delimiter.
      const k = this.peek();
      if (k.type === 'keyword') {
        this.next();
        switch (k.val) {
          case 'end': this.expectClose('end'); return { nodes, stop: 'end', at: k.pos };
          case 'else': return { nodes, stop: 'else', at: k.pos };
          case 'if': case 'with': case 'range': nodes.push(this.control(k.val, k.pos)); continue;
          case 'break': case 'continue':
            if (this.rangeDepth === 0) throw new TemplateSyntaxError(k.pos, `{{${k.val}}} outside {{range}}`);
            this.expectClose(k.val);
            nodes.push({ kind: k.val, pos: k.pos });
            continue;
          default: throw new TemplateSyntaxError(k.pos, `{{${k.val}}} is not supported by berth's templates`);
        }
      }
      const pipe = this.pipeline('command', 'close');
      this.next();
      nodes.push({ kind: 'action', pos: pipe.pos, pipe });
    }
  }

  /** if/with/range: pipeline, list, optional else (or `else if`/`else with`), end. Variables declared inside end with it. */
  private control(kind: Control['kind'], pos: number): Control {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'close');
    this.next();
    if (kind === 'range') this.rangeDepth += 1;
    const body = this.list();
    if (kind === 'range') this.rangeDepth -= 1;
    let elseList: Node[] | undefined;
    if (body.stop === 'eof') throw new TemplateSyntaxError(body.at, 'unexpected EOF');
    if (body.stop === 'else') {
      const k = this.peek();
      if ((kind === 'if' || kind === 'with') && k.type === 'keyword' && k.val === kind) {
        // {{else if …}} is an if inside the else branch, sharing this one's {{end}}.
        this.next();
        elseList = [this.control(kind, k.pos)];
      } else {
        this.expectClose('else');
        const rest = this.list();
        if (rest.stop === 'eof') throw new TemplateSyntaxError(rest.at, 'unexpected EOF');
        if (rest.stop === 'else') throw new TemplateSyntaxError(rest.at, 'expected end; found {{else}}');
        elseList = rest.nodes;
      }
    }
    this.vars.length = mark;
    return { kind, pos, pipe, list: body.nodes, elseList };
  }

  private pipeline(context: string, end: 'close' | 'rparen'): Pipe {
    const start = this.peek();
    const pipe: Pipe = { pos: start.pos, decl: [], isAssign: false, cmds: [] };
    // Declarations: `$x :=`, `$x =`, and range's `$i, $e :=`.
    const after = this.toks[this.i + 1] as Token;
    if (start.type === 'variable' && (after.type === 'declare' || after.type === 'assign' || (after.type === 'comma' && context === 'range'))) {
      const names = [start.val];
      this.i += 1;
      if (after.type === 'comma') {
        this.i += 1;
        const second = this.next();
        if (second.type !== 'variable') throw new TemplateSyntaxError(second.pos, `unexpected ${describe(second)} in ${context}`);
        names.push(second.val);
      }
      const op = this.next();
      if (op.type === 'comma') throw new TemplateSyntaxError(op.pos, `too many declarations in ${context}`);
      if (op.type !== 'declare' && op.type !== 'assign') throw new TemplateSyntaxError(op.pos, `unexpected ${describe(op)} in ${context}`);
      pipe.isAssign = op.type === 'assign';
      if (pipe.isAssign) {
        for (const n of names) if (!this.vars.includes(n)) throw new TemplateSyntaxError(start.pos, `undefined variable ${JSON.stringify(n)}`);
      } else {
        this.vars.push(...names);
      }
      pipe.decl = names;
    }
    for (;;) {
      const t = this.peek();
      if (t.type === end) break;
      if (t.type === 'close' || t.type === 'rparen' || t.type === 'eof') throw new TemplateSyntaxError(t.pos, `unexpected ${describe(t)} in ${context}`);
      pipe.cmds.push(this.command(context));
      if (this.peek().type === 'pipe') {
        this.next();
        if (this.peek().type === end) throw new TemplateSyntaxError(this.peek().pos, 'missing command after pipe');
      }
    }
    if (pipe.cmds.length === 0) throw new TemplateSyntaxError(start.pos, `missing value for ${context}`);
    pipe.cmds.forEach((c, n) => {
      const first = c.args[0] as Arg;
      if (n > 0 && (first.kind === 'literal' || first.kind === 'dot' || first.kind === 'nil')) {
        throw new TemplateSyntaxError(c.pos, `non executable command in pipeline stage ${n + 1}`);
      }
    });
    return pipe;
  }

  private command(context: string): Command {
    const cmd: Command = { pos: this.peek().pos, args: [] };
    for (;;) {
      const t = this.peek();
      if (t.type === 'pipe' || t.type === 'close' || t.type === 'rparen') break;
      if (cmd.args.length > 0 && !t.space && t.type !== 'eof') throw new TemplateSyntaxError(t.pos, `missing space before ${describe(t)}`);
      cmd.args.push(this.operand(context));
    }
    if (cmd.args.length === 0) throw new TemplateSyntaxError(cmd.pos, 'empty command');
    return cmd;
  }

  /** A term and the fields chained onto it without space (`(index . 0).name`, `$x.a`). */
  private operand(context: string): Arg {
    const term = this.term(context);
    const idents: string[] = [];
    while (this.peek().type === 'field' && !this.peek().space) idents.push(this.next().val.slice(1));
    if (idents.length === 0) return term;
    if (term.kind === 'field' || term.kind === 'variable') return { ...term, idents: [...term.idents, ...idents] };
    if (term.kind === 'literal' || term.kind === 'nil' || term.kind === 'dot') {
      throw new TemplateSyntaxError(term.pos, `unexpected . after term ${JSON.stringify(argText(term))}`);
    }
    return { kind: 'chain', pos: term.pos, node: term, idents };
  }

  private term(context: string): Arg {
    const t = this.next();
    switch (t.type) {
      case 'field': return { kind: 'field', pos: t.pos, idents: [t.val.slice(1)] };
      case 'variable':
        if (!this.vars.includes(t.val)) throw new TemplateSyntaxError(t.pos, `undefined variable ${JSON.stringify(t.val)}`);
        return { kind: 'variable', pos: t.pos, name: t.val, idents: [] };
      case 'dot': return { kind: 'dot', pos: t.pos };
      case 'nil': return { kind: 'nil', pos: t.pos };
      case 'bool': return { kind: 'literal', pos: t.pos, text: t.val, value: t.val === 'true' };
      case 'string': return { kind: 'literal', pos: t.pos, text: t.val, value: unquote(t) };
      case 'char': return { kind: 'literal', pos: t.pos, text: t.val, value: new GoInt(unquote(t).codePointAt(0) ?? 0) };
      case 'number': return { kind: 'literal', pos: t.pos, text: t.val, value: numberValue(t) };
      case 'ident':
        if (!this.functions.has(t.val)) throw new TemplateSyntaxError(t.pos, `function ${JSON.stringify(t.val)} not defined`);
        return { kind: 'ident', pos: t.pos, name: t.val };
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen');
        this.next();
        return { kind: 'pipe', pos: t.pos, pipe };
      }
      default: throw new TemplateSyntaxError(t.pos, `unexpected ${describe(t)} in ${context}`);
    }
  }
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'close') return '"}}"';
  if (t.type === 'keyword') return `<${t.val}>`;
  return JSON.stringify(t.val);
}

function numberValue(t: Token): Value {
  const s = t.val.replace(/_/g, '');
  if (/^[+-]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/.test(s)) {
    const neg = s.startsWith('-');
    const body = s.replace(/^[+-]/, '');
    const n = /^0[0-7]+$/.test(body) ? parseInt(body, 8) : /^0[oO]/.test(body) ? parseInt(body.slice(2), 8) : Number(body);
    if (!Number.isSafeInteger(n)) throw new TemplateSyntaxError(t.pos, `integer overflow: ${t.val}`);
    return new GoInt(neg ? -n : n);
  }
  const f = Number(s);
  if (Number.isNaN(f)) throw new TemplateSyntaxError(t.pos, `illegal number syntax: ${JSON.stringify(t.val)}`);
  return f;
}

/** Go's strconv.Unquote of a "…", `…` or '…' literal. */
function unquote(t: Token): string {
  const q = t.val[0];
  const body = t.val.slice(1, -1);
  if (q === '`') return body.replace(/\r/g, '');
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_all, e: string) => {
    if (e.length === 1) {
      const c = simple[e];
      if (c === undefined) throw new TemplateSyntaxError(t.pos, `invalid syntax: ${t.val}`);
      return c;
    }
    const code = /^[0-7]{3}$/.test(e) ? parseInt(e, 8) : parseInt(e.slice(1), 16);
    return e[0] === 'x' || /^[0-7]/.test(e) ? Buffer.from([code]).toString('latin1') : String.fromCodePoint(code);
  });
}

/** A node as Go's String() prints it, for the `at <…>` of execution errors. */
export function argText(a: Arg): string {
  switch (a.kind) {
    case 'field': return `.${a.idents.join('.')}`;
    case 'variable': return [a.name, ...a.idents].join('.');
    case 'chain': return `${argText(a.node)}.${a.idents.join('.')}`;
    case 'ident': return a.name;
    case 'pipe': return `(${pipeText(a.pipe)})`;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'literal': return a.text;
  }
}

export function commandText(c: Command): string {
  return c.args.map(argText).join(' ');
}

export function pipeText(p: Pipe): string {
  const decl = p.decl.length ? `${p.decl.join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map(commandText).join(' | ');
}
