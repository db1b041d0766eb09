// @ts-check
/**
 * Forks task processes (server.js) for local/dataplane/task-spawner.ts, which talks to it over IPC.
 *
 * Why a process in between: fork() costs time in proportion to the forking process's memory (its page tables are
 * copied), and the process that runs local AWS is big (a jest worker with the SDK, CDK and TypeScript loaded: ~700 MB,
 * 50–200 ms of blocked event loop per task). This process is small, so a task costs it a few milliseconds, and the
 * emulator's event loop none.
 *
 * Each task is forked exactly as task-process.ts forked it before (same entry, argv, environment, no execArgv, stdio
 * and JSON IPC), so a task is the same process with the same pid semantics; only its parent differs. Everything the
 * emulator saw of the ChildProcess is relayed in order: spawn (with the pid), stdout/stderr output, IPC messages,
 * errors and close (code, signal); the emulator's kill requests are passed on. When the emulator goes away (exit,
 * crash, SIGKILL), the IPC channel closes and this process exits at once; that closes each task's own IPC channel,
 * and server.js exits on that, so tasks still never outlive the emulator.
 *
 * Messages in: { type: 'spawn', id, entry, args, env } and { type: 'kill', id, signal }.
 * Messages out: { type: 'spawn', id, pid }, { type: 'output', id, chunk }, { type: 'message', id, message },
 * { type: 'error', id, message } and { type: 'close', id, code, signal }.
 */
'use strict';

const { fork } = require('child_process');

/** @type {Map<number, import('child_process').ChildProcess>} */
const children = new Map();

process.on('disconnect', () => process.exit(0));

/** @param {Record<string, unknown>} message */
function send(message) {
  if (process.connected) process.send?.(message);
}

/**
 * @param {number} id
 * @param {string} entry
 * @param {string[]} args
 * @param {Record<string, string>} env
 */
function spawnTask(id, entry, args, env) {
  let child;
  try {
    child = fork(entry, args, {
      env,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
  } catch (error) {
    send({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
    send({ type: 'close', id, code: null, signal: null });
    return;
  }
  children.set(id, child);
  child.once('spawn', () => send({ type: 'spawn', id, pid: child.pid }));
  child.on('error', (error) => send({ type: 'error', id, message: error.message }));
  child.stdout?.setEncoding('utf8').on('data', (chunk) => send({ type: 'output', id, chunk }));
  child.stderr?.setEncoding('utf8').on('data', (chunk) => send({ type: 'output', id, chunk }));
  child.on('message', (message) => send({ type: 'message', id, message }));
  child.once('close', (code, signal) => {
    children.delete(id);
    send({ type: 'close', id, code, signal });
  });
}

process.on('message', (/** @type {any} */ message) => {
  if (message?.type === 'spawn') {
    spawnTask(message.id, message.entry, message.args, message.env);
  } else if (message?.type === 'kill') {
    children.get(message.id)?.kill(message.signal);
  }
});

send({ type: 'ready' });
