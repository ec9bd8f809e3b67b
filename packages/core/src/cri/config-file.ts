/** Reading a crictl config file (pod or container), JSON or YAML, into its typed form. */
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../errors';

/**
 * One YAML parser reads both .json and .yaml (JSON being YAML); `what` names the file in errors
 * ("pod config", "container config"), and `convert`'s InvalidArgumentErrors get the file name.
 */
export function loadConfigFile<T>(file: string, what: string, convert: (doc: unknown) => T): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`${what} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : (require('yaml') as typeof import('yaml')).parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`${what} ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return convert(doc);
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`${file}: ${err.message}`);
    throw err;
  }
}
