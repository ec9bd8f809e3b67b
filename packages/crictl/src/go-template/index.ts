/**
 * `-o go-template --template T`: cri-tools' tmplExecuteRawJSON over the command's JSON document,
 * with Go text/template's syntax, builtins, `missingkey=error`, and crictl's json, title, lower
 * and upper. Errors carry Go's wording and positions, wrapped as crictl wraps them.
 */
import type { Json } from '../output';
import { execute, TemplateExecError } from './exec';
import { FUNCTION_NAMES } from './funcs';
import { TemplateSyntaxError } from './lex';
import { parseTemplate } from './parse';
import { fromJson } from './values';

/** crictl's template name, which Go's errors quote. */
const NAME = 'tmplExecuteRawJSON';

export class GoTemplateError extends Error {}

function where(src: string, pos: number): { line: number; col: number } {
  const before = src.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  // Go counts bytes, and the column from 0.
  return { line: 1 + (before.match(/\n/g)?.length ?? 0), col: Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1)) };
}

/** The template's output for the document (crictl then prints it with a newline). */
export function renderGoTemplate(src: string, doc: Json): string {
  let nodes;
  try {
    nodes = parseTemplate(src, FUNCTION_NAMES);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    throw new GoTemplateError(`failed to generate go-template: template: ${NAME}:${where(src, e.pos).line}: ${e.message}`);
  }
  try {
    return execute(nodes, fromJson(doc));
  } catch (e) {
    if (!(e instanceof TemplateExecError)) throw e;
    const { line, col } = where(src, e.pos);
    throw new GoTemplateError(`failed to template data: template: ${NAME}:${line}:${col}: executing "${NAME}" at <${e.context}>: ${e.message}`);
  }
}
