/** Finds the program to exec as Go's exec.LookPath does, with the container's PATH. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function lookPath(file: string, env: string[]): string | undefined {
  if (file.includes('/')) return isExecutable(file) ? file : undefined;
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of pathVar.split(':')) {
    const candidate = path.join(dir || '.', file);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
