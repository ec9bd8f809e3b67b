// ctr config default, and the config file it prints read back by berth.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from '../lib/index.mjs';

const require = createRequire(import.meta.url);
const { loadConfig } = require(join(REPO_ROOT, 'packages/core/dist/config/config.js'));

describe('ctr config', () => {
  registerCleanup();

  it('config default prints containerd-shaped TOML that loads back to the defaults', async () => {
    const r = await runBin('ctr', ['config', 'default']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^version = 2$/m);
    assert.match(r.stdout, /^\s*\[plugins\."io\.containerd\.snapshotter\.v1\.overlayfs"\]$/m);
    const file = join(tempDir('cfg'), 'config.toml');
    writeFileSync(file, r.stdout);
    assert.deepEqual(loadConfig(file), {
      version: 2, root: '/var/lib/berth', state: '/run/berth', snapshotter: 'overlayfs',
      maxConcurrentDownloads: 3, registryConfigPath: '/etc/berth/certs.d',
      cniBinDir: '/usr/lib/cni', cniConfDir: '/etc/berth/cni/net.d',
    });
  });

  it('settings are read from their containerd sections', () => {
    const file = join(tempDir('cfg'), 'config.toml');
    writeFileSync(file, 'version = 2\nroot = "/srv/b"\n[plugins."io.containerd.grpc.v1.cri".containerd]\nsnapshotter = "native"\n'
      + '[plugins."io.containerd.transfer.v1.local"]\nmax_concurrent_downloads = 7\n');
    const c = loadConfig(file);
    assert.equal(c.root, '/srv/b');
    assert.equal(c.snapshotter, 'native');
    assert.equal(c.maxConcurrentDownloads, 7);
  });

  it('bad files give one error naming the file and the key', () => {
    const dir = tempDir('cfg');
    const cases = [
      ['root = 5\n', /config .*: root must be a non-empty string/],
      ['root = "/x\n', /config .*config\.toml: /],
      ['version = 1\n', /version 1 is not supported/],
      ['[plugins."io.containerd.transfer.v1.local"]\nmax_concurrent_downloads = 0\n', /max_concurrent_downloads must be a positive integer/],
    ];
    for (const [text, re] of cases) {
      const file = join(dir, 'config.toml');
      writeFileSync(file, text);
      assert.throws(() => loadConfig(file), re);
    }
    assert.throws(() => loadConfig(join(dir, 'missing.toml')), /missing\.toml: no such file/);
  });
});
