// Run a launcher (bin/<tool>) or any absolute path, with a timeout, and collect its output.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath, childEnv } from './repo.mjs';
import { tempDir } from './tempdir.mjs';
import { trackPid, untrackPid } from './cleanup.mjs';

let fileCounter = 0;

/**
 * runBin(tool, args, opts) -> Promise<{ code, signal, stdout, stderr, timedOut, ms, pid,
 *                                       stdoutPath?, stderrPath?, stdioHeld? }>
 *
 * opts.input    string|Buffer written to stdin (stdin is /dev/null without it)
 * opts.timeout  ms before the process is SIGKILLed (default 30 s); then timedOut is true
 * opts.env      variables added to childEnv(); undefined/null removes one
 * opts.cwd      working directory
 * opts.stdio    'pipe' (default) or 'files'. `runc create` and `run -d` hand their stdio to
 *               the container, so a pipe would stay open until the container exits; 'files'
 *               points stdout/stderr at temp files, read once the tool itself exits (their
 *               paths are returned, to read the container's later output too).
 * opts.stdout   in 'pipe' mode, an open fd to give the tool as its stdout instead of a pipe
 *               (e.g. /dev/full); stdout is then ''.
 * opts.closeGrace  in 'pipe' mode, how long to wait for the pipes to close after the exit
 *               before giving up on them (stdioHeld: true); default 2000 ms.
 */
export function runBin(tool, args = [], opts = {}) {
  const { input, timeout = 30_000, env, cwd, stdio = 'pipe', closeGrace = 2000, stdout } = opts;
  return stdio === 'files'
    ? runWithFiles(binPath(tool), args, { input, timeout, env, cwd })
    : runWithPipes(binPath(tool), args, { input, timeout, env, cwd, closeGrace, stdout });
}

function startTimer(child, timeout, onTimeout) {
  return setTimeout(() => {
    onTimeout();
    try { child.kill('SIGKILL'); } catch { /* exited meanwhile */ }
  }, timeout);
}

function runWithPipes(file, args, { input, timeout, env, cwd, closeGrace, stdout = 'pipe' }) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, args, {
      cwd, env: childEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', stdout, 'pipe'],
    });
    const out = [];
    const err = [];
    let timedOut = false;
    let exit = null;
    let done = false;
    let graceTimer = null;
    if (child.pid) trackPid(child.pid);
    const timer = startTimer(child, timeout, () => { timedOut = true; });
    child.stdout?.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    if (input !== undefined) {
      child.stdin.on('error', () => { /* the tool may not read its stdin */ });
      child.stdin.end(input);
    }
    const finish = (stdioHeld, spawnError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      if (child.pid) untrackPid(child.pid);
      if (stdioHeld) { child.stdout?.destroy(); child.stderr.destroy(); }
      resolve({
        code: exit ? exit.code : null,
        signal: exit ? exit.signal : null,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (spawnError ? `spawn ${file}: ${spawnError.message}\n` : ''),
        timedOut,
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
        pid: child.pid ?? null,
        stdioHeld,
      });
    };
    child.on('error', (e) => { exit = { code: null, signal: null }; finish(false, e); });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Something (a detached container) may still hold the pipes: don't wait for it forever.
      graceTimer = setTimeout(() => finish(true), closeGrace);
    });
    child.on('close', (code, signal) => {
      if (!exit) exit = { code, signal };
      finish(false);
    });
  });
}

function runWithFiles(file, args, { input, timeout, env, cwd }) {
  const dir = tempDir('io');
  fileCounter += 1;
  const stdoutPath = join(dir, `stdout-${fileCounter}`);
  const stderrPath = join(dir, `stderr-${fileCounter}`);
  const fds = [];
  let stdin = 'ignore';
  if (input !== undefined) {
    const inPath = join(dir, `stdin-${fileCounter}`);
    writeFileSync(inPath, input);
    stdin = openSync(inPath, 'r');
    fds.push(stdin);
  }
  const outFd = openSync(stdoutPath, 'w+');
  const errFd = openSync(stderrPath, 'w+');
  fds.push(outFd, errFd);
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let timedOut = false;
    let spawnError = null;
    const child = spawn(file, args, { cwd, env: childEnv(env), stdio: [stdin, outFd, errFd] });
    for (const fd of fds) closeSync(fd); // the child has its own copies
    if (child.pid) trackPid(child.pid);
    const timer = startTimer(child, timeout, () => { timedOut = true; });
    let done = false;
    const finish = (code, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.pid) untrackPid(child.pid);
      resolve({
        code,
        signal,
        stdout: readFileSync(stdoutPath, 'utf8'),
        stderr: readFileSync(stderrPath, 'utf8') + (spawnError ? `spawn ${file}: ${spawnError.message}\n` : ''),
        timedOut,
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
        pid: child.pid ?? null,
        stdoutPath,
        stderrPath,
      });
    };
    child.on('error', (e) => { spawnError = e; finish(null, null); });
    child.on('exit', (code, signal) => finish(code, signal));
  });
}

/** Parse a tool's stdout as JSON, with the output in the error when it is not JSON. */
export function parseJson(result) {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON (exit ${result.code}): stdout=${JSON.stringify(result.stdout)} stderr=${JSON.stringify(result.stderr)}`);
  }
}
