/** runc's container id rule, apart from the config checks so the listing paths load only this. */
import { InvalidArgumentError } from '../errors';

/** runc's id rule: letters, digits and _ + , - . (its regex ^[\w+-\.]+$ has the range +..), not "." or "..". */
const ID_PATTERN = /^[\w+,.-]+$/;

/** runc 1.1's checks and words, for every command that names a container (create and the rest). */
export function validateId(id: string): void {
  if (id === '') throw new InvalidArgumentError('container id cannot be empty');
  if (!ID_PATTERN.test(id) || id === '.' || id === '..') throw new InvalidArgumentError('invalid container ID format');
}
