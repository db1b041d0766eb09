import { installPromiseWithResolvers, withResolvers } from '../../../local/stepfunctions/promise-with-resolvers';
import { StateMachine } from '../../../local/stepfunctions/library';

type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };
const promiseStatics = Promise as unknown as { withResolvers?: WithResolvers };

describe('Promise.withResolvers polyfill', () => {
  it('is installed on this Node (20 lacks it) as a writable, configurable, non-enumerable method', () => {
    expect(typeof promiseStatics.withResolvers).toBe('function');
    const descriptor = Object.getOwnPropertyDescriptor(Promise, 'withResolvers');
    expect(descriptor).toMatchObject({ writable: true, configurable: true, enumerable: false });
    if (Number(process.versions.node.split('.')[0]) < 22) expect(descriptor?.value).toBe(withResolvers);
  });

  it('resolves and rejects the promise it returns', async () => {
    const ok = withResolvers.call(Promise) as ReturnType<WithResolvers>;
    ok.resolve(42);
    await expect(ok.promise).resolves.toBe(42);
    const failed = withResolvers.call(Promise) as ReturnType<WithResolvers>;
    failed.reject(new Error('boom'));
    await expect(failed.promise).rejects.toThrow('boom');
  });

  it('uses `this` as the constructor, so subclasses get their own promises', () => {
    class TrackedPromise<T> extends Promise<T> {}
    const { promise } = withResolvers.call(TrackedPromise) as ReturnType<WithResolvers>;
    expect(promise).toBeInstanceOf(TrackedPromise);
  });

  it('throws a TypeError when called on something that is not a constructor', () => {
    expect(() => withResolvers.call(undefined)).toThrow(TypeError);
    expect(() => withResolvers.call({})).toThrow(TypeError);
  });

  it('throws a TypeError when the constructor does not hand over callable resolve functions', () => {
    function Broken(executor: (resolve: unknown, reject: unknown) => void): void {
      executor(undefined, undefined);
    }
    expect(() => withResolvers.call(Broken)).toThrow(TypeError);
  });

  it('leaves a native implementation in place', () => {
    const native = (): void => undefined;
    const target = { withResolvers: native } as unknown as PromiseConstructor;
    expect(installPromiseWithResolvers(target)).toBe(false);
    expect((target as unknown as { withResolvers: unknown }).withResolvers).toBe(native);
  });

  it('lets aws-local-stepfunctions run a Task on this Node, which fails without it', async () => {
    const definition = {
      StartAt: 'T',
      States: { T: { Type: 'Task' as const, Resource: 'local', End: true as const } },
    };
    const run = async (): Promise<unknown> =>
      new StateMachine(structuredClone(definition), { validationOptions: { noValidate: true } }).run(
        { n: 1 },
        { overrides: { taskResourceLocalHandlers: { T: (input) => ({ doubled: (input as { n: number }).n * 2 }) } } },
      ).result;

    await expect(run()).resolves.toEqual({ doubled: 2 });

    const installed = Object.getOwnPropertyDescriptor(Promise, 'withResolvers');
    delete promiseStatics.withResolvers;
    try {
      await expect(run()).rejects.toThrow(/withResolvers is not a function/);
    } finally {
      Object.defineProperty(Promise, 'withResolvers', installed as PropertyDescriptor);
    }
  });
});
