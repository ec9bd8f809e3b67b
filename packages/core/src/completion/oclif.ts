/** The completion input of a running oclif CLI: its loaded commands and topics (what --help shows). */
import type { Config } from '@oclif/core';
import type { CompletionInput, FlagMeta } from './model';

export function completionInputOf(config: Config, globals: Record<string, FlagMeta>): CompletionInput {
  const topics: Record<string, string> = {};
  for (const t of config.topics) if (t.description) topics[t.name] = t.description;
  return { tool: config.bin, commands: config.commands, globals, topics };
}
