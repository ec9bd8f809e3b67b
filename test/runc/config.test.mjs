// berth's runc applies config.json: user namespace, rootfs and path protection, hostname, env,
// rlimits, capabilities, no_new_privs, seccomp, sysctl, memory limit, devices.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  assertNoLeaks, baseSpec, makeBusyboxBundle, registerCleanup,
} from '../lib/index.mjs';
import { runIn, runtime, rwBundle, skipUnlessRoot } from './helpers.mjs';

/** Fields of /proc/self/status as the container sees them. */
function statusFields(text) {
  return Object.fromEntries(text.split('\n').filter((l) => l.includes(':')).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()];
  }));
}

/** A writable bundle in a user namespace mapping 0 to host 100000, its rootfs owned accordingly. */
function userNsBundle(args) {
  const b = makeBusyboxBundle({
    args,
    root: { readonly: false },
    linux: {
      namespaces: [...baseSpec().linux.namespaces, { type: 'user' }],
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    },
  });
  const chown = spawnSync('chown', ['-R', '100000:100000', b.rootfs]);
  assert.equal(chown.status, 0, String(chown.stderr));
  return b;
}

const CAP_NET_BIND_SERVICE = 10;
const CAP_CHOWN = 0;

describe('runc config.json', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();

  it('user namespace: uid 0 inside maps to 100000 outside', async (t) => {
    registerCleanup(t);
    const b = userNsBundle(['sh', '-c', 'id; cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/x && stat -c %u /tmp/x']);
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^uid=0\(root\) gid=0\(root\)/);
    assert.deepEqual(lines[1].trim().split(/\s+/), ['0', '100000', '65536']);
    assert.deepEqual(lines[2].trim().split(/\s+/), ['0', '100000', '65536']);
    assert.equal(lines[3], '0', 'a file made by root inside is owned by uid 0 inside');
    assertNoLeaks();
  });

  it('user namespace: exec joins it too (uid 0 inside, same mapping, same pid namespace)', async (t) => {
    registerCleanup(t);
    const b = userNsBundle(['sleep', '1000']);
    const id = await rt.detach(b);
    const r = await rt.exec(id, ['sh', '-c', 'id; cat /proc/self/uid_map; ps -o pid,comm | grep sleep']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^uid=0\(root\) gid=0\(root\)/);
    assert.deepEqual(lines[1].trim().split(/\s+/), ['0', '100000', '65536']);
    assert.match(lines[2], /^\s*1\s+sleep$/);
    const code = await rt.exec(id, ['sh', '-c', 'exit 6']);
    assert.equal(code.code, 6);
    await rt.remove(id);
    assertNoLeaks();
  });

  it('root.readonly makes / read-only', async (t) => {
    registerCleanup(t);
    const b = makeBusyboxBundle({ args: ['sh', '-c', 'touch /x; echo rc=$?; grep " / " /proc/self/mounts'], root: { readonly: true } });
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /touch: \/x: Read-only file system/);
    assert.match(r.stdout, /^rc=1$/m);
    assert.match(r.stdout, /^\S+ \/ \S+ ro[,\s]/m);
  });

  it('maskedPaths hide /proc files and dirs; readonlyPaths make /proc/sys read-only', async (t) => {
    registerCleanup(t);
    const probe = rwBundle(['true']);
    // Only the masked paths this kernel has (e.g. no /proc/kcore without CONFIG_PROC_KCORE).
    const masked = probe.spec.linux.maskedPaths.filter((p) => existsSync(p));
    const files = masked.filter((p) => !statSync(p).isDirectory());
    const dirs = masked.filter((p) => statSync(p).isDirectory());
    assert.ok(files.length > 0 && dirs.length > 0, `masked paths on this host: ${masked}`);
    const b = rwBundle(['sh', '-c', [
      ...files.map((f) => `echo "${f} $(cat ${f} | wc -c)"`),
      ...dirs.map((d) => `echo "${d} $(ls -A ${d} | wc -l)"`),
      'echo 1 > /proc/sys/kernel/domainname; echo "rc=$?"; grep " /proc/sys " /proc/self/mounts',
    ].join('; ')]);
    assert.ok(b.spec.linux.readonlyPaths.includes('/proc/sys'));
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, masked.length), [...files, ...dirs].map((p) => `${p} 0`));
    assert.equal(lines[masked.length], 'rc=1');
    assert.match(r.stderr, /Read-only file system/);
    assert.match(lines[masked.length + 1], /^proc \/proc\/sys proc ro[,\s]/);
  });

  it('hostname and env', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'hostname; echo "$GREETING|$EMPTY|$PATH"; cat /proc/sys/kernel/hostname'], {
      hostname: 'berth-box',
      process: { env: ['PATH=/bin:/sbin', 'GREETING=hello world', 'EMPTY='] },
    });
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'berth-box\nhello world||/bin:/sbin\nberth-box\n');
  });

  it('rlimits', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu'], {
      process: {
        rlimits: [
          { type: 'RLIMIT_NOFILE', soft: 512, hard: 2048 },
          { type: 'RLIMIT_NPROC', soft: 300, hard: 400 },
        ],
      },
    });
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '512\n2048\n300\n400\n');
  });

  it('capabilities: only the listed ones are held', async (t) => {
    registerCleanup(t);
    const caps = ['CAP_NET_BIND_SERVICE', 'CAP_CHOWN'];
    const b = rwBundle(['sh', '-c', 'cat /proc/self/status; chown 1000 /tmp; echo chown=$?; mknod /tmp/n c 1 3; echo mknod=$?'], {
      process: {
        capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      },
    });
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    const s = statusFields(r.stdout);
    const want = ((1n << BigInt(CAP_NET_BIND_SERVICE)) | (1n << BigInt(CAP_CHOWN))).toString(16).padStart(16, '0');
    assert.equal(s.CapEff, want);
    assert.equal(s.CapPrm, want);
    assert.equal(s.CapBnd, want);
    assert.equal(s.CapInh, '0000000000000000');
    assert.equal(s.CapAmb, '0000000000000000');
    assert.match(r.stdout, /^chown=0$/m);
    assert.match(r.stdout, /^mknod=1$/m, 'CAP_MKNOD was dropped');
  });

  it('noNewPrivileges sets NoNewPrivs', async (t) => {
    registerCleanup(t);
    for (const nnp of [true, false]) {
      const b = rwBundle(['grep', 'NoNewPrivs', '/proc/self/status'], { process: { noNewPrivileges: nnp } });
      const r = await runIn(rt, b);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.replace(/\s+/g, ' ').trim(), `NoNewPrivs: ${nnp ? 1 : 0}`);
    }
  });

  it('seccomp: a profile that denies mkdir with EPERM', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'mkdir /tmp/d; echo mkdir=$?; touch /tmp/f; echo touch=$?; grep Seccomp: /proc/self/status'], {
      linux: {
        seccomp: {
          defaultAction: 'SCMP_ACT_ALLOW',
          architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
          syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
        },
      },
    });
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^mkdir=1$/m);
    assert.match(r.stderr, /mkdir: can't create directory '\/tmp\/d': Operation not permitted/);
    assert.match(r.stdout, /^touch=0$/m);
    assert.match(r.stdout, /^Seccomp:\s+2$/m);
  });

  it('exec: RLIMIT_AS and RLIMIT_NPROC below the init stage\'s own use still reach the program', async (t) => {
    registerCleanup(t);
    // 100 MiB of address space is far below Node's: the program waits at a gate before its
    // execve until the caller has set them (runtime/exec.ts), as runc has them before its execve.
    const b = rwBundle(['sleep', '1000'], {
      process: { rlimits: [{ type: 'RLIMIT_AS', soft: 104857600, hard: 104857600 }, { type: 'RLIMIT_NPROC', soft: 40, hard: 50 }] },
    });
    const id = await rt.detach(b);
    for (let i = 0; i < 3; i++) {
      // The shell's own limits, read at once: set before it ran.
      const r = await rt.exec(id, ['sh', '-c', 'ulimit -v; ulimit -u; grep -E "^Max (address space|processes)" /proc/self/limits']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^102400\n40\n/);
      assert.match(r.stdout, /^Max processes\s+40\s+50\s/m);
      assert.match(r.stdout, /^Max address space\s+104857600\s+104857600\s/m);
    }
    // Another user's program too (on hosts whose root lacks CAP_SYS_RESOURCE, as this VM's, the
    // CLI takes the program's real ids for the prlimit).
    const u = await rt.run(['exec', '-u', '1000:1000', id, 'sh', '-c', 'ulimit -v; ulimit -u; id -u']);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(u.stdout, '102400\n40\n1000\n');
    assert.deepEqual(readdirSync(join(rt.root, id)).filter((f) => f.startsWith('.exe') || f.startsWith('.exec-gate')), [], 'no scratch file left');
    await rt.remove(id);
  });

  it('exec under a seccomp profile: clone3 failing with ENOSYS works, with EPERM is named', async (t) => {
    registerCleanup(t);
    for (const [errnoRet, works] of [[38, true], [1, false]]) {
      const b = rwBundle(['sleep', '1000'], {
        linux: {
          seccomp: {
            defaultAction: 'SCMP_ACT_ALLOW',
            architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
            syscalls: [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet }],
          },
        },
      });
      const id = await rt.detach(b);
      const r = await rt.exec(id, ['sh', '-c', 'echo in; grep Seccomp: /proc/self/status']);
      if (works) {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^in\nSeccomp:\s+2$/m);
      } else {
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /operation not permitted.*must allow clone3 or fail it with ENOSYS/);
      }
      await rt.remove(id);
    }
  });

  it('a 32 MiB memory limit holds: a bigger allocation is OOM-killed', async (t) => {
    registerCleanup(t);
    const limit = 32 * 1024 * 1024;
    const b = rwBundle(['sh', '-c', 'dd if=/dev/zero of=/dev/null bs=8M count=1 && echo small-ok; '
      + 'exec dd if=/dev/zero of=/dev/null bs=64M count=1'], {
      linux: { resources: { memory: { limit, swap: limit } } },
    });
    const r = await runIn(rt, b, { timeout: 30_000 });
    assert.match(r.stdout, /^small-ok$/m);
    assert.equal(r.code, 128 + 9, `expected SIGKILL by the OOM killer: code ${r.code} ${r.stderr}`);
    assertNoLeaks();
  });

  it('sysctl: net.ipv4.ip_forward in the container\'s network namespace', async (t) => {
    registerCleanup(t);
    const host = spawnSync('cat', ['/proc/sys/net/ipv4/ip_forward'], { encoding: 'utf8' }).stdout.trim();
    const want = host === '1' ? '0' : '1';
    const b = rwBundle(['cat', '/proc/sys/net/ipv4/ip_forward'], { linux: { sysctl: { 'net.ipv4.ip_forward': want } } });
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${want}\n`);
    const after = spawnSync('cat', ['/proc/sys/net/ipv4/ip_forward'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(after, host, 'the host value is untouched');
  });

  it('devices: linux.devices are created; the device cgroup denies the rest', async (t) => {
    registerCleanup(t);
    // Major 250 has no driver: an open the cgroup allows fails ENXIO, one it denies EPERM.
    const b = rwBundle(['sh', '-c', 'ls -l /dev/berthnull /dev/allowed /dev/denied; echo x > /dev/berthnull; echo null=$?; '
      + 'echo x > /dev/allowed; echo allowed=$?; echo x > /dev/denied; echo denied=$?; '
      + 'ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; ls -ln /dev/owned'], {
      linux: {
        devices: [
          { path: '/dev/berthnull', type: 'c', major: 1, minor: 3, fileMode: 0o620, uid: 0, gid: 0 },
          { path: '/dev/allowed', type: 'c', major: 250, minor: 42, fileMode: 0o666 },
          { path: '/dev/denied', type: 'c', major: 250, minor: 43, fileMode: 0o666 },
          { path: '/dev/owned', type: 'c', major: 1, minor: 5, fileMode: 0o600, uid: 1000, gid: 2000 },
        ],
        resources: { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 250, minor: 42, access: 'rw' }] },
      },
    });
    const r = await runIn(rt, b);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^crw--w----\s+1 root\s+root\s+1,\s+3 .* \/dev\/berthnull$/m);
    assert.match(r.stdout, /^crw-rw-rw-\s+1 root\s+root\s+250,\s+42 .* \/dev\/allowed$/m);
    assert.match(r.stdout, /^crw-------\s+1 1000\s+2000\s+1,\s+5 .* \/dev\/owned$/m, 'a device\'s owner');
    assert.match(r.stdout, /^null=0$/m);
    assert.match(r.stdout, /^allowed=1$/m);
    assert.match(r.stdout, /^denied=1$/m);
    assert.match(r.stderr, /\/dev\/allowed: No such device or address/);
    assert.match(r.stderr, /\/dev\/denied: Operation not permitted/);
    for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty']) assert.match(r.stdout, new RegExp(`/dev/${d}$`, 'm'));
  });
});
