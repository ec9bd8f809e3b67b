// crictl's client configuration (crictl.yaml) and global flags, as cri-tools 1.30: `crictl config`
// --get/--set/--list and the positional form, the file written in place (comments and order kept),
// unknown keys and bad values refused, debug from the file or -D, and an explicit -c that cannot
// be read is fatal for every command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';

describe('crictl config', () => {
  registerCleanup();
  const dir = tempDir('crictl-config');
  const root = tempDir('crictl-config-root');
  const env = { CRI_CONFIG_FILE: null, CONTAINER_RUNTIME_ENDPOINT: null, IMAGE_SERVICE_ENDPOINT: null };
  const berthConfig = join(dir, 'config.toml');
  writeFileSync(berthConfig, `version = 2\nroot = "${root}"\n`);
  const crictl = (file, ...args) => runBin('crictl', [...args, '-c', file, '--berth-root', root, '--berth-config', berthConfig], { env });
  const FATAL = (msg) => new RegExp(`^time="[^"]+" level=fatal msg=${JSON.stringify(msg).replace(/[\\[\]().*+?^$|{}]/g, '\\$&')}\n$`);

  it('--set writes every option, in crictl\'s order, into an empty file', async () => {
    const f = join(dir, 'empty.yaml');
    writeFileSync(f, '');
    const r = await crictl(f, 'config', '--set', 'debug=true', '--set', 'timeout=10,runtime-endpoint=unix:///run/x.sock');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(f, 'utf8'), 'runtime-endpoint: unix:///run/x.sock\nimage-endpoint: ""\ntimeout: 10\ndebug: true\npull-image-on-create: false\ndisable-pull-on-run: false\n');
    assert.equal((await crictl(f, 'config', '--get', 'timeout')).stdout, '10\n');
    assert.equal((await crictl(f, 'config', '--get', 'runtime-endpoint')).stdout, 'unix:///run/x.sock\n');
  });

  it('keeps the file\'s comments and key order; the positional form sets one option', async () => {
    const f = join(dir, 'commented.yaml');
    writeFileSync(f, '# written by hand\ndebug: false # quiet\nruntime-endpoint: unix:///run/containerd/containerd.sock\n');
    const r = await crictl(f, 'config', 'pull-image-on-create', 'true');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(f, 'utf8'), '# written by hand\ndebug: false # quiet\nruntime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: ""\ntimeout: 0\npull-image-on-create: true\ndisable-pull-on-run: false\n');
    const l = await crictl(f, 'config', '--list');
    assert.equal(l.stdout, '\u001b[2J\u001b[H' + [
      'KEY                    VALUE',
      'runtime-endpoint       unix:///run/containerd/containerd.sock',
      'image-endpoint         ',
      'timeout                0',
      'debug                  false',
      'pull-image-on-create   true',
      'disable-pull-on-run    false',
    ].join('\n') + '\n');
  });

  it('refuses unknown options and bad values with crictl\'s messages', async () => {
    const f = join(dir, 'ok.yaml');
    writeFileSync(f, 'timeout: 3\n');
    const cases = [
      [['config', '--get', 'nope'], 'no configuration option named nope'],
      [['config', '--set', 'nope=1'], 'no configuration option named nope'],
      [['config', '--set', 'debug'], 'incorrectly specified option: debug'],
      [['config', '--set', 'timeout=abc'], 'parse timeout value \'abc\': strconv.Atoi: parsing "abc": invalid syntax'],
      [['config', 'debug', 'maybe'], 'parse debug value \'maybe\': strconv.ParseBool: parsing "maybe": invalid syntax'],
    ];
    for (const [args, msg] of cases) {
      const r = await crictl(f, ...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, FATAL(msg));
    }
    assert.equal(readFileSync(f, 'utf8'), 'timeout: 3\n', 'a refused setting leaves the file alone');
  });

  it('a config file named with -c that is bad or missing is fatal for every command', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'runtime-endpoint: unix:///x\nfoo: bar\n');
    for (const cmd of [['images'], ['version'], ['info']]) {
      const r = await crictl(bad, ...cmd);
      assert.equal(r.code, 1, cmd[0]);
      assert.match(r.stderr, FATAL('load config file: Config option \'foo\' is not valid'));
    }
    const badValue = join(dir, 'bad-value.yaml');
    writeFileSync(badValue, 'debug: sometimes\n');
    assert.match((await crictl(badValue, 'images')).stderr, FATAL('load config file: parsing config option \'debug\': strconv.ParseBool: parsing "sometimes": invalid syntax'));
    // A missing file: crictl looks for crictl.yaml beside its program, and names that one.
    const missing = await crictl(join(dir, 'missing.yaml'), 'images');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /level=fatal msg="load config file: stat \/\S+\/crictl\.yaml: no such file or directory"/);
  });

  it('debug comes from the file, or from -D over it', async () => {
    const on = join(dir, 'debug.yaml');
    writeFileSync(on, 'debug: true\n');
    const r = await crictl(on, 'images', '-q');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /level=debug msg="get image connection"/);
    const off = join(dir, 'nodebug.yaml');
    writeFileSync(off, 'debug: false\n');
    assert.equal((await crictl(off, 'images', '-q')).stderr, '');
    assert.match((await crictl(off, 'images', '-q', '-D')).stderr, /level=debug msg="get image connection"/);
  });
});
