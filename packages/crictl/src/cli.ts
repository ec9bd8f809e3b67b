/** Entry of the CLI: nothing but oclif's runner is loaded here. */
export async function main(argv: string[], root: string): Promise<void> {
  const { run, flush, handle } = require('@oclif/core') as typeof import('@oclif/core');
  try {
    await run(argv, root);
    await flush();
  } catch (err) {
    await handle(err as Error);
  }
}
