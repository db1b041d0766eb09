/**
 * Amazon States Language, as far as these state machines use it, typed: a misspelt field is a type error (object
 * literals get TypeScript's excess property check), and checkDefinition() makes a `Next`, `Default` or `StartAt`
 * naming a state that does not exist a render-time error. JSONPath only (no JSONata fields).
 */

/** A JSON value (what Parameters, ResultSelector and Result hold). */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
/** Parameters, ItemSelector, ResultSelector: keys ending in `.$` take a path or an intrinsic function. */
export type Payload = { readonly [key: string]: Json };

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath?: string | null;
  readonly Next: string;
}

/** One comparison of a choice rule's data-test expression. */
type Comparison =
  | { readonly StringEquals: string }
  | { readonly StringEqualsPath: string }
  | { readonly StringMatches: string }
  | { readonly NumericEquals: number }
  | { readonly NumericEqualsPath: string }
  | { readonly NumericLessThan: number }
  | { readonly NumericLessThanEquals: number }
  | { readonly NumericGreaterThan: number }
  | { readonly NumericGreaterThanEquals: number }
  | { readonly NumericGreaterThanEqualsPath: string }
  | { readonly NumericGreaterThanPath: string }
  | { readonly BooleanEquals: boolean }
  | { readonly IsPresent: boolean }
  | { readonly IsString: boolean }
  | { readonly IsNumeric: boolean };

/** The comparison operators (render-time check: a data-test expression has exactly one). */
const COMPARISONS = [
  'StringEquals',
  'StringEqualsPath',
  'StringMatches',
  'NumericEquals',
  'NumericEqualsPath',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'NumericGreaterThanEqualsPath',
  'NumericGreaterThanPath',
  'BooleanEquals',
  'IsPresent',
  'IsString',
  'IsNumeric',
];

/** A boolean expression of a choice rule (nested rules have no `Next`). */
export type Condition =
  | ({ readonly Variable: string } & Comparison)
  | { readonly And: readonly Condition[] }
  | { readonly Or: readonly Condition[] }
  | { readonly Not: Condition };

/** A top-level choice rule: a condition and the state it leads to. */
export type ChoiceRule = Condition & { readonly Next: string };

interface Base {
  readonly Comment?: string;
}
interface Flow extends Base {
  readonly InputPath?: string;
  readonly OutputPath?: string;
  /** Exactly one of Next and End (checked at render time). */
  readonly Next?: string;
  readonly End?: true;
}

export interface TaskState extends Flow {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters?: Payload;
  readonly ResultSelector?: Payload;
  readonly ResultPath?: string | null;
  readonly TimeoutSeconds?: number;
  /** A path to the timeout in seconds (a positive integer); not with TimeoutSeconds. */
  readonly TimeoutSecondsPath?: string;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface PassState extends Flow {
  readonly Type: 'Pass';
  readonly Parameters?: Payload;
  readonly Result?: Json;
  readonly ResultPath?: string | null;
}

/** A Wait of a fixed number of seconds, or of the number at a path (a whole number, 0 or more). */
export type WaitState = Flow & { readonly Type: 'Wait' } & (
    | { readonly Seconds: number; readonly SecondsPath?: never }
    | { readonly SecondsPath: string; readonly Seconds?: never }
  );

export interface ChoiceState extends Base {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}

export interface SucceedState extends Base {
  readonly Type: 'Succeed';
}

/** Either a constant Error/Cause or paths to them. */
export interface FailState extends Base {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

/** An inline Map: its own states run for each item. */
export interface MapState extends Flow {
  readonly Type: 'Map';
  readonly ItemsPath: string;
  readonly MaxConcurrency?: number;
  readonly ItemSelector?: Payload;
  readonly ItemProcessor: {
    readonly ProcessorConfig: { readonly Mode: 'INLINE' };
    readonly StartAt: string;
    readonly States: States;
  };
  readonly ResultSelector?: Payload;
  readonly ResultPath?: string | null;
  readonly Catch?: readonly Catcher[];
}

export type State = TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState | MapState;
export type States = { readonly [name: string]: State };

export interface StateMachine {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: States;
}

/** Every state a state can go to next (Next, Default, choice rules, catchers). */
export function successorsOf(state: State): string[] {
  const next: string[] = [];
  if (state.Type === 'Choice') {
    next.push(...state.Choices.map((rule) => rule.Next));
    if (state.Default !== undefined) next.push(state.Default);
    return next;
  }
  if (state.Type === 'Succeed' || state.Type === 'Fail') return next;
  if (state.Next !== undefined) next.push(state.Next);
  if ((state.Type === 'Task' || state.Type === 'Map') && state.Catch) next.push(...state.Catch.map((c) => c.Next));
  return next;
}

function checkCondition(where: string, condition: Condition): void {
  if ('And' in condition || 'Or' in condition) {
    const operands = 'And' in condition ? condition.And : condition.Or;
    if (operands.length < 1) throw new Error(`${where}: And/Or without operands`);
    operands.forEach((operand) => checkCondition(where, operand));
  } else if ('Not' in condition) {
    checkCondition(where, condition.Not);
  } else {
    const operators = Object.keys(condition).filter((key) => COMPARISONS.includes(key));
    if (operators.length !== 1) throw new Error(`${where}: a comparison needs exactly one operator, not ${operators}`);
  }
}

/**
 * Render-time checks TypeScript cannot make: every transition names a state of its own scope (the machine, or the
 * Map's item processor), each state that goes on has exactly one of Next and End, every state can be reached, and
 * each data-test expression has one operator. Throws naming the first problem.
 */
export function checkDefinition(scope: string, startAt: string, states: States): void {
  const names = new Set(Object.keys(states));
  const target = (from: string, to: string): void => {
    if (!names.has(to)) throw new Error(`${scope}: ${from} goes to ${to}, which is not a state here`);
  };
  target('StartAt', startAt);
  for (const [name, state] of Object.entries(states)) {
    const where = `${scope}: ${name}`;
    if (state.Type === 'Choice') {
      if (state.Choices.length === 0) throw new Error(`${where}: a Choice without rules`);
      state.Choices.forEach((rule) => checkCondition(where, rule));
    } else if (state.Type !== 'Succeed' && state.Type !== 'Fail') {
      if ((state.Next === undefined) === (state.End === undefined)) {
        throw new Error(`${where}: needs exactly one of Next and End`);
      }
    }
    if (state.Type === 'Map')
      checkDefinition(`${scope}/${name}`, state.ItemProcessor.StartAt, state.ItemProcessor.States);
    successorsOf(state).forEach((next) => target(name, next));
  }
  const reached = new Set<string>();
  const visit = (name: string): void => {
    if (reached.has(name)) return;
    reached.add(name);
    const state = states[name];
    if (state) successorsOf(state).forEach(visit);
  };
  visit(startAt);
  const unreachable = [...names].filter((name) => !reached.has(name));
  if (unreachable.length > 0) throw new Error(`${scope}: no transition leads to ${unreachable.join(', ')}`);
}
