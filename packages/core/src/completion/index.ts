/** Shell completion scripts for berth's CLIs, from their oclif command metadata. */
import { UnsupportedError } from '../errors';
import { bashScript } from './bash';
import { fishScript } from './fish';
import { completionModel } from './model';
import type { CompletionInput } from './model';
import { zshScript } from './zsh';

export type { CommandMeta, CompletionInput, CompletionModel, FlagMeta } from './model';
export { completionModel } from './model';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script of `input.tool` for `shell`. */
export function completionScript(shell: string, input: CompletionInput): string {
  const m = completionModel(input);
  if (shell === 'bash') return bashScript(m);
  if (shell === 'zsh') return zshScript(m);
  if (shell === 'fish') return fishScript(m);
  throw new UnsupportedError(`only bash, zsh or fish are supported (got "${shell}")`);
}
