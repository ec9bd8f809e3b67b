import { logrusLine } from '@berth/core/dist/cli/logrus';

/** runc logs through logrus: `time="..." level=error msg="..."`, or JSON with --log-format json. */
export function formatError(message: string, format: 'text' | 'json'): string {
  return logrusLine(message, 'error', format);
}
