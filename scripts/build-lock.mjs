// One build at a time per checkout: two builds writing the same dist/ and bundles at once would
// leave torn files behind. The lock is a directory (mkdir is atomic) holding the owner's pid, so a
// lock left by a killed build is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

export async function buildLock(root) {
  const dir = path.join(root, '.build.lock');
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      const release = () => fs.rmSync(dir, { recursive: true, force: true });
      process.on('exit', release);
      return release;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = 0;
      try { owner = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8')); } catch { /* being written */ }
      if (owner && !alive(owner)) { fs.rmSync(dir, { recursive: true, force: true }); continue; }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
