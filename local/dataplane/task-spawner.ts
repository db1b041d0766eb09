/**
 * Task processes forked by a small helper process (task-server/spawner.js) instead of by the emulator itself.
 *
 * fork() blocks the forking process for a time that grows with its memory: in a jest worker running local AWS
 * (~700 MB) that was 50–200 ms of blocked event loop per task, the largest single cost of a fault-property case.
 * The helper is forked once, stays small, and forks each task in a few milliseconds. A task is the same process as
 * before (same entry, argv, environment, stdio and IPC; see spawner.js), and TaskChild gives task-process.ts what it
 * used of a ChildProcess: the pid, output, IPC messages, errors, close (code, signal) and kill.
 *
 * Lifetime: the helper keeps the emulator's event loop alive only while it has tasks (as the tasks' own ChildProcess
 * handles did), and is let go after a few idle seconds (re-forked on the next task), so a jest worker running many
 * test files does not keep one idle helper per file. Whatever ends the emulator ends the helper (its IPC channel
 * closes) and so every task (theirs close in turn).
 */
import { fork, type ChildProcess } from 'child_process';
import { EventEmitter } from 'events';
import path from 'path';

const SPAWNER_ENTRY = path.join(__dirname, 'task-server', 'spawner.js');
/** Wall ms the helper may stay without tasks before it is let go. */
const IDLE_WALL_MS = 5_000;

/** What task-process.ts uses of a task's process. Events: spawn, output, message, error, close. */
export interface TaskChild extends EventEmitter {
  /** The task process's pid once it spawned; undefined before. */
  readonly pid: number | undefined;
  /** Resolves once the process spawned; rejects if it could not be. */
  readonly spawned: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

type SpawnerMessage =
  | { type: 'ready' }
  | { type: 'spawn'; id: number; pid: number }
  | { type: 'output'; id: number; chunk: string }
  | { type: 'message'; id: number; message: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'close'; id: number; code: number | null; signal: NodeJS.Signals | null };

class RemoteTaskChild extends EventEmitter implements TaskChild {
  pid: number | undefined;
  closed = false;
  readonly spawned: Promise<void>;

  constructor(
    readonly id: number,
    private readonly send: (message: Record<string, unknown>) => void,
  ) {
    super();
    this.spawned = new Promise<void>((resolve, reject) => {
      this.once('spawn', resolve);
      this.once('error', reject);
    });
    // Later errors are for the task's listeners; an unawaited `spawned` must not be an unhandled rejection.
    this.spawned.catch(() => undefined);
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.closed) this.send({ type: 'kill', id: this.id, signal });
  }
}

class TaskSpawner {
  private helper: ChildProcess | undefined;
  private helperReady: Promise<void> | undefined;
  private readonly children = new Map<number, RemoteTaskChild>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  spawn(entry: string, args: readonly string[], env: Readonly<Record<string, string>>): TaskChild {
    const id = this.nextId++;
    const helper = this.helper ?? this.startHelper();
    const child = new RemoteTaskChild(id, (message) => {
      if (this.helper === helper && helper.connected) helper.send(message);
    });
    this.children.set(id, child);
    this.busy();
    void this.helperReady?.then(() => {
      if (this.helper === helper && helper.connected) helper.send({ type: 'spawn', id, entry, args, env });
    });
    return child;
  }

  /** Pids of task processes that have not closed yet (for a last-chance SIGKILL on exit). */
  livePids(): number[] {
    return [...this.children.values()].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  }

  private startHelper(): ChildProcess {
    const helper = fork(SPAWNER_ENTRY, [], {
      // The helper passes each task its own environment; it needs none, and never the parent's flags.
      env: {},
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    helper.unref();
    this.helper = helper;
    this.helperReady = new Promise<void>((resolve) => {
      const onReady = (message: SpawnerMessage): void => {
        if (message.type !== 'ready') return;
        helper.off('message', onReady);
        resolve();
      };
      helper.on('message', onReady);
    });
    helper.on('message', (message: SpawnerMessage) => this.onMessage(message));
    // A failed kill() or send() is reported here; without a listener it would crash the emulator.
    helper.on('error', () => undefined);
    helper.once('exit', () => this.onHelperExit(helper));
    return helper;
  }

  private onMessage(message: SpawnerMessage): void {
    if (message.type === 'ready') return;
    const child = this.children.get(message.id);
    if (child === undefined) return;
    switch (message.type) {
      case 'spawn':
        child.pid = message.pid;
        child.emit('spawn');
        break;
      case 'output':
        child.emit('output', message.chunk);
        break;
      case 'message':
        child.emit('message', message.message);
        break;
      case 'error':
        child.emit('error', new Error(message.message));
        break;
      case 'close':
        this.closeChild(child, message.code, message.signal);
        break;
    }
  }

  private closeChild(child: RemoteTaskChild, code: number | null, signal: NodeJS.Signals | null): void {
    if (child.closed) return;
    child.closed = true;
    this.children.delete(child.id);
    child.emit('exit', code, signal);
    child.emit('close', code, signal);
    if (this.children.size === 0) this.idle();
  }

  /** The helper died under its tasks (killed from outside): they exit with it (their IPC closes); say so. */
  private onHelperExit(helper: ChildProcess): void {
    if (this.helper !== helper) return;
    this.helper = undefined;
    this.helperReady = undefined;
    clearTimeout(this.idleTimer);
    for (const child of [...this.children.values()]) {
      if (child.listenerCount('error') > 0) child.emit('error', new Error('The task spawner process exited.'));
      this.closeChild(child, null, null);
    }
  }

  private busy(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.helper?.channel?.ref();
  }

  private idle(): void {
    const helper = this.helper;
    if (helper === undefined) return;
    helper.channel?.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.helper !== helper || this.children.size > 0) return;
      this.helper = undefined;
      this.helperReady = undefined;
      if (helper.connected) helper.disconnect();
    }, IDLE_WALL_MS);
    this.idleTimer.unref();
  }
}

const spawner = new TaskSpawner();
let exitHookInstalled = false;

/** Forks `entry` as a task process (see spawner.js for the exact fork options). */
export function spawnTaskProcess(
  entry: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): TaskChild {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A normal `process.exit()` of the emulator: kill the tasks synchronously, the only chance left (the helper and
    // the tasks would also go on their own once the IPC channels close).
    process.once('exit', () => {
      for (const pid of spawner.livePids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
  }
  return spawner.spawn(entry, args, env);
}
