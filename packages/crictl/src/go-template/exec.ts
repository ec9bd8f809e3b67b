/**
 * Executes a parsed template over crictl's document with text/template's rules and
 * `missingkey=error` (crictl's option): field access on maps, variables and their scopes, truth,
 * range over slices, maps (sorted keys) and ints, break/continue, and "<no value>" for nil.
 */
import { argText, commandText, type Arg, type Command, type Control, type Node, type Pipe } from './parse';
import { builtin, notString } from './funcs';
import { formatValue, GoInt, isMap, isTrue, JsonNumber, typeName, type Value } from './values';

/** An execution error with the node it happened at (Go's `executing … at <node>`). */
export class TemplateExecError extends Error {
  constructor(readonly pos: number, readonly context: string, message: string) {
    super(message);
  }
}

const MISSING = Symbol('missing');
type Final = Value | typeof MISSING;

class Break { }
class Continue { }

export function execute(nodes: Node[], data: Value): string {
  const s = new State(data);
  s.walk(data, nodes);
  return s.out;
}

class State {
  out = '';
  private vars: { name: string; value: Value }[];

  constructor(root: Value) {
    this.vars = [{ name: '$', value: root }];
  }

  walk(dot: Value, nodes: Node[]): void {
    for (const n of nodes) {
      switch (n.kind) {
        case 'text': this.out += n.text; break;
        case 'action': {
          const v = this.pipeline(dot, n.pipe);
          if (n.pipe.decl.length === 0) this.out += v === null ? '<no value>' : formatValue(v);
          break;
        }
        case 'if': case 'with': {
          const mark = this.vars.length;
          const v = this.pipeline(dot, n.pipe);
          if (isTrue(v)) this.walk(n.kind === 'with' ? v : dot, n.list);
          else if (n.elseList) this.walk(dot, n.elseList);
          this.vars.length = mark;
          break;
        }
        case 'range': this.range(dot, n); break;
        case 'break': throw new Break();
        case 'continue': throw new Continue();
      }
    }
  }

  private range(dot: Value, n: Control): void {
    const mark = this.vars.length;
    const v = this.pipeline(dot, { ...n.pipe, decl: [] });
    let items: [Value, Value][];
    if (v === null) items = [];
    else if (Array.isArray(v)) items = v.map((e, i) => [new GoInt(i), e]);
    else if (isMap(v)) items = Object.keys(v).sort().map((k) => [k, v[k] as Value]);
    else if (v instanceof GoInt) items = Array.from({ length: Math.max(0, v.n) }, (_, i) => [new GoInt(i), new GoInt(i)]);
    else throw new TemplateExecError(n.pipe.pos, pipeTextOf(n.pipe), `range can't iterate over ${formatValue(v)}`);
    const bind = (name: string, value: Value): void => {
      // `range $x = …` assigns the variables declared outside; `:=` declares new ones.
      const slot = n.pipe.isAssign ? [...this.vars].reverse().find((x) => x.name === name) : undefined;
      if (slot) slot.value = value; else this.vars.push({ name, value });
    };
    for (const [key, elem] of items) {
      // One variable is the element; two are key (or index) and element.
      if (n.pipe.decl.length === 1) bind(n.pipe.decl[0] as string, elem);
      if (n.pipe.decl.length === 2) { bind(n.pipe.decl[0] as string, key); bind(n.pipe.decl[1] as string, elem); }
      try {
        this.walk(elem, n.list);
      } catch (e) {
        if (e instanceof Break) { this.vars.length = mark; break; }
        if (!(e instanceof Continue)) throw e;
      }
      this.vars.length = mark;
    }
    if (items.length === 0 && n.elseList) this.walk(dot, n.elseList);
    this.vars.length = mark;
  }

  private pipeline(dot: Value, pipe: Pipe): Value {
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.command(dot, cmd, value);
    const v = value === MISSING ? null : value;
    for (const name of pipe.decl) {
      if (pipe.isAssign) {
        const slot = [...this.vars].reverse().find((x) => x.name === name);
        if (slot) slot.value = v;
      } else {
        this.vars.push({ name, value: v });
      }
    }
    return v;
  }

  private command(dot: Value, cmd: Command, final: Final): Value {
    const first = cmd.args[0] as Arg;
    const hasArgs = cmd.args.length > 1 || final !== MISSING;
    switch (first.kind) {
      case 'field': return this.chain(dot, first.idents, first, cmd, final);
      case 'variable': {
        const v = this.variable(first.name, first);
        if (first.idents.length === 0) {
          if (hasArgs) throw this.err(first, `can't give argument to non-function ${argText(first)}`);
          return v;
        }
        return this.chain(v, first.idents, first, cmd, final);
      }
      case 'chain': {
        const v = this.arg(dot, first.node);
        return this.chain(v, first.idents, first, cmd, final);
      }
      case 'ident': return this.call(dot, first.name, cmd, final);
      default:
        if (hasArgs) throw this.err(first, `can't give argument to non-function ${argText(first)}`);
        if (first.kind === 'nil') throw this.err(first, 'nil is not a command');
        return this.arg(dot, first);
    }
  }

  /**
   * A function's call, as text/template's evalCall: the arity checked at the function's name, each
   * argument evaluated (lazily for and/or) and type-checked at its node, the pipeline's value last;
   * what the function itself reports is `error calling NAME` at the command.
   */
  private call(dot: Value, name: string, cmd: Command, final: Final): Value {
    const f = builtin(name);
    const argNodes = cmd.args.slice(1);
    const count = argNodes.length + (final === MISSING ? 0 : 1);
    if (count < f.min || (f.max !== undefined && count > f.max)) {
      const want = f.max === undefined ? `at least ${f.min}` : String(f.min);
      throw this.err(cmd.args[0] as Arg, `wrong number of args for ${name}: want ${want} got ${count}`);
    }
    const checked = (i: number, v: Value, node: Arg): Value => {
      const why = f.strings?.includes(i) ? notString(v) : undefined;
      if (why) throw this.err(node, why);
      return v;
    };
    const thunks = argNodes.map((a, i) => () => checked(i, this.arg(dot, a), a));
    if (final !== MISSING) thunks.push(() => checked(argNodes.length, final, cmd.args[0] as Arg));
    const args = f.lazy ? thunks : thunks.map((t) => { const v = t(); return () => v; });
    try {
      return f.fn(args);
    } catch (e) {
      if (e instanceof TemplateExecError || e instanceof Break || e instanceof Continue) throw e;
      throw new TemplateExecError(cmd.pos, commandText(cmd), `error calling ${name}: ${(e as Error).message}`);
    }
  }

  /** A value as an argument: fields and variables evaluated without arguments, pipelines run. */
  private arg(dot: Value, a: Arg): Value {
    switch (a.kind) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'literal': return a.value;
      case 'field': return this.fields(dot, a.idents, a);
      case 'variable': return this.fields(this.variable(a.name, a), a.idents, a);
      case 'chain': return this.fields(this.arg(dot, a.node), a.idents, a);
      case 'pipe': return this.pipeline(dot, a.pipe);
      case 'ident': return this.call(dot, a.name, { pos: a.pos, args: [a] }, MISSING);
    }
  }

  /** Fields as a command: a map's entries take no arguments. */
  private chain(receiver: Value, idents: string[], node: Arg, cmd: Command, final: Final): Value {
    const hasArgs = cmd.args.length > 1 || final !== MISSING;
    if (hasArgs) throw this.err(node, `${idents[idents.length - 1] ?? ''} is not a method but has arguments`);
    return this.fields(receiver, idents, node);
  }

  private fields(receiver: Value, idents: string[], node: Arg): Value {
    let v = receiver;
    for (const name of idents) {
      if (v === null) throw this.err(node, `nil pointer evaluating interface {}.${name}`);
      if (v instanceof JsonNumber && (name === 'String' || name === 'Int64' || name === 'Float64')) {
        v = jsonNumberMethod(v, name, (msg) => this.err(node, msg));
        continue;
      }
      if (!isMap(v)) throw this.err(node, `can't evaluate field ${name} in type ${typeName(v)}`);
      if (!Object.prototype.hasOwnProperty.call(v, name)) throw this.err(node, `map has no entry for key ${JSON.stringify(name)}`);
      v = v[name] as Value;
    }
    return v;
  }

  private variable(name: string, node: Arg): Value {
    for (let i = this.vars.length - 1; i >= 0; i -= 1) if ((this.vars[i] as { name: string }).name === name) return (this.vars[i] as { value: Value }).value;
    throw this.err(node, `undefined variable: ${name}`);
  }

  private err(node: Arg, message: string): TemplateExecError {
    return new TemplateExecError(node.pos, argText(node), message);
  }
}

/** json.Number's methods: String, Int64 and Float64 (strconv's errors as Go's call reports them). */
function jsonNumberMethod(n: JsonNumber, name: string, fail: (msg: string) => Error): Value {
  if (name === 'String') return n.text;
  if (name === 'Int64') {
    if (!/^-?\d+$/.test(n.text)) throw fail(`error calling Int64: strconv.ParseInt: parsing ${JSON.stringify(n.text)}: invalid syntax`);
    return new GoInt(Number(n.text));
  }
  return Number(n.text);
}

function pipeTextOf(p: Pipe): string {
  return p.cmds.map(commandText).join(' | ');
}
