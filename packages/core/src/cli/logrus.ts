/**
 * runc, ctr and crictl report through logrus: `time="..." level=error msg="..."` (crictl's fatal
 * errors use level=fatal), or JSON with runc's --log-format json.
 */
import { rfc3339 } from '../util/time';

export type LogrusLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

export function logrusLine(message: string, level: LogrusLevel, format: 'text' | 'json' = 'text'): string {
  const time = rfc3339();
  if (format === 'json') return `${JSON.stringify({ level, msg: message, time })}\n`;
  return `time="${time}" level=${level} msg=${JSON.stringify(message)}\n`;
}
