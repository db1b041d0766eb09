/**
 * Starts one local ECS task as a real OS process (local/dataplane/task-server/server.js) on 127.0.0.1 and a free port.
 * The process is forked by a small helper process (task-spawner.ts), which costs the emulator's event loop nothing.
 */
import { constants as osConstants } from 'os';
import path from 'path';
import type { Clock } from '../aws/clock';
import { resolveImage } from './images';
import { spawnTaskProcess, type TaskChild } from './task-spawner';
import type { ImageSpec, TaskExit, TaskLaunchSpec, TaskProcess } from './types';

const TASK_SERVER_ENTRY = path.join(__dirname, 'task-server', 'server.js');
const PAGE_TEMPLATE = path.join(__dirname, '..', '..', 'demo-app', 'index.html');
const TASK_HOST = '127.0.0.1';
/** ECS default stopTimeout: seconds between SIGTERM and SIGKILL. */
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
/** ECS stoppedReason when the essential container ends on its own. */
const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';
/** How much of the process's stdout/stderr to keep for diagnostics (the tail). */
const OUTPUT_TAIL_CHARS = 16_384;

/** A task process with local extras the ECS emulator can use (image behaviour, recent log output). */
export interface LocalTaskProcess extends TaskProcess {
  readonly imageSpec: ImageSpec;
  /** The last few KB the process wrote to stdout/stderr, like the container's log stream. */
  output(): string;
}

export async function launchTask(spec: TaskLaunchSpec, clock: Clock): Promise<LocalTaskProcess> {
  const imageSpec = resolveImage(spec.image);
  const child = spawnTaskProcess(
    TASK_SERVER_ENTRY,
    [
      JSON.stringify({
        behaviour: imageSpec.behaviour,
        colour: imageSpec.colour,
        commit: spec.commit,
        buildTime: spec.buildTime ?? new Date(clock.now()).toISOString(),
        startupWallMs: clock.wallMs(imageSpec.startupSeconds),
        flapWallMs: clock.wallMs(imageSpec.flapSeconds ?? 0),
        errorPercent: imageSpec.errorPercent ?? 0,
        latencyWallMs: clock.wallMs(imageSpec.latencySeconds ?? 0),
        latencySeconds: imageSpec.latencySeconds ?? 0,
        templatePath: PAGE_TEMPLATE,
        host: TASK_HOST,
      }),
    ],
    // Only the task definition's environment, as in a container: no host credentials or NODE_OPTIONS leak in. The
    // process never inherits the parent's flags (jest, tsx loaders, inspectors) either: see task-server/spawner.js.
    { ...spec.environment },
  );
  // Listening before the spawn is confirmed: the helper may relay the spawn and the first output in one read.
  const task = new ForkedTask(child, imageSpec, clock.wallMs(spec.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS));
  await child.spawned;
  return task;
}

class ForkedTask implements LocalTaskProcess {
  readonly host = TASK_HOST;
  readonly ready: Promise<void>;
  readonly exited: Promise<TaskExit>;
  private listeningPort = 0;
  private outputTail = '';
  private stopReason: string | undefined;
  private stopping: Promise<void> | undefined;
  private hasExited = false;

  constructor(
    private readonly child: TaskChild,
    readonly imageSpec: ImageSpec,
    private readonly stopGraceMs: number,
  ) {
    child.on('output', (chunk: string) => this.appendOutput(chunk));
    // A failed kill() is reported here; without a listener it would crash the emulator.
    child.on('error', (error: Error) => this.appendOutput(`[local-aws] ${error.message}\n`));

    this.exited = new Promise<TaskExit>((resolve) => {
      // 'close' rather than 'exit': by then stdout/stderr are fully read, so output() has the last words.
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.hasExited = true;
        resolve({ exitCode: exitCodeOf(code, signal), reason: this.stopReason ?? ESSENTIAL_CONTAINER_EXITED });
      });
    });
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: unknown) => {
        if (isListeningMessage(message)) {
          this.listeningPort = message.port;
          resolve();
        }
      });
      this.exited.then((exit) => {
        const lastWords = this.outputTail.trim().slice(-500);
        const detail = lastWords === '' ? '' : ` Output: ${lastWords}`;
        reject(new Error(`Task process ${this.pid} exited (code ${exit.exitCode}) before it listened.${detail}`));
      }, reject);
    });
    // Callers that only watch `exited` must not trigger an unhandled rejection; awaiting `ready` still rejects.
    this.ready.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get port(): number {
    return this.listeningPort;
  }

  output(): string {
    return this.outputTail;
  }

  stop(reason: string): Promise<void> {
    if (!this.hasExited) this.stopReason ??= reason;
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  private async terminate(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const killTimer = setTimeout(() => this.child.kill('SIGKILL'), this.stopGraceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(killTimer);
    }
  }

  private appendOutput(chunk: string): void {
    this.outputTail = (this.outputTail + chunk).slice(-OUTPUT_TAIL_CHARS);
  }
}

function isListeningMessage(message: unknown): message is { type: 'listening'; port: number } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'listening' &&
    typeof (message as { port?: unknown }).port === 'number'
  );
}

/** Docker reports a process killed by a signal as 128 + signal number (SIGTERM 143, SIGKILL 137); ECS shows that. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  const signalNumber = signal === null ? undefined : osConstants.signals[signal];
  return signalNumber === undefined ? null : 128 + signalNumber;
}
