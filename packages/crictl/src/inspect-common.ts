/** What inspect and inspectp share: their flags, and the way cri-tools re-marshals a status. */
import { Flags } from '@oclif/core';

export const inspectFlags = {
  output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|go-template|table' }),
  quiet: Flags.boolean({ char: 'q', description: 'Do not show verbose information' }),
  template: Flags.string({ description: 'The template string is only used when output is go-template; The Template format is golang template' }),
};

export { sortedJson } from './output';

/** The table output's Labels and Annotations blocks. An empty map arrives as nil over gRPC, and crictl then prints no heading. */
export function labelBlocks(labels: Record<string, string>, annotations: Record<string, string>): string {
  let out = '';
  for (const [title, m] of [['Labels', labels], ['Annotations', annotations]] as const) {
    if (Object.keys(m).length === 0) continue;
    out += `${title}:\n`;
    for (const k of Object.keys(m).sort()) out += `\t${k} -> ${m[k]}\n`;
  }
  return out;
}
