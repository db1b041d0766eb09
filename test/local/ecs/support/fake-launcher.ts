/**
 * A controllable stand-in for local/dataplane's launchTask: no real processes. Images decide the behaviour
 * (`*crash*` exits with code 1 before listening, `*unlaunchable*` fails to start at all); any process can be made
 * to exit later with `exit()`.
 */
import type { Clock } from '../../../../local/aws/clock';
import type { TaskExit, TaskLaunchSpec, TaskProcess } from '../../../../local/dataplane/types';

export class FakeProcess implements TaskProcess {
  private static nextPid = 1000;
  readonly pid = FakeProcess.nextPid++;
  readonly host = '127.0.0.1';
  port = 0;
  stopReason?: string;
  readonly ready: Promise<void>;
  readonly exited: Promise<TaskExit>;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  private resolveExited!: (exit: TaskExit) => void;
  private hasExited = false;

  constructor(readonly spec: TaskLaunchSpec) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined); // observed by the ECS task runner; avoid unhandled-rejection noise here
    this.exited = new Promise<TaskExit>((resolve) => (this.resolveExited = resolve));
  }

  listen(port: number): void {
    this.port = port;
    this.resolveReady();
  }

  /** The process ends on its own (crash), as the data plane reports it. */
  exit(exitCode = 1, reason = 'Essential container in task exited'): void {
    if (this.hasExited) return;
    this.hasExited = true;
    this.rejectReady(new Error(`process exited with code ${exitCode} before listening`));
    this.resolveExited({ exitCode, reason });
  }

  get isRunning(): boolean {
    return !this.hasExited;
  }

  stop(reason: string): Promise<void> {
    this.stopReason ??= reason;
    this.exit(0, reason);
    return Promise.resolve();
  }
}

export class FakeLauncher {
  readonly processes: FakeProcess[] = [];
  private nextPort = 40000;

  readonly launchTask = (spec: TaskLaunchSpec, clock: Clock): Promise<TaskProcess> => {
    if (spec.image.includes('unlaunchable')) return Promise.reject(new Error(`no such image ${spec.image}`));
    const process = new FakeProcess(spec);
    this.processes.push(process);
    const port = this.nextPort++;
    // Start (or crash) a moment later, in emulated time, like a real process would.
    setTimeout(() => (spec.image.includes('crash') ? process.exit(1) : process.listen(port)), clock.wallMs(1));
    return Promise.resolve(process);
  };

  running(): FakeProcess[] {
    return this.processes.filter((p) => p.isRunning);
  }
}
