import {
  successorsOf,
  type ChoiceRule,
  type ChoiceState,
  type Condition,
  type State,
  type StateMachine,
  type States,
} from './asl';

/**
 * Fewer state transitions (Standard workflows bill each one) with the same decisions: a Choice that goes on to another
 * Choice takes that Choice's rules in, so the two decide in one state.
 *
 * - Its Default going to Choice Y: Y's rules are appended and Y's Default becomes its Default. They are evaluated
 *   exactly when Y's were, after every earlier rule failed.
 * - A rule `R → Y`: in its place come `And(R, S) → Z` for each rule `S → Z` of Y, then `R → Y.Default`. `S` is
 *   evaluated only once `R` holds, as in Y: And stops at its first false operand, which the machines already rely on
 *   to compare a path only after an IsPresent (e.g. `awaitApproval`).
 *
 * A Choice no transition reaches any more is dropped; one still reached from elsewhere stays. Inlining stops at a
 * Choice's own rules (no self loop) and at KEPT_CHOICES, and keeps a Choice at MAX_RULES rules or fewer, so the result
 * stays readable.
 */
export const MAX_RULES = 24;

/**
 * Choices that stay states of their own, because an execution's history is read for them: a swap that finishes an
 * interrupted one shows ResumeSwap (operators, and test/controller/operator-findings.test.ts, look for it).
 */
export const KEPT_CHOICES: readonly string[] = ['ResumeSwap'];

const conditionOf = (rule: ChoiceRule): Condition => {
  const { Next: _next, ...condition } = rule;
  return condition as Condition;
};

/** `first` and then `second`, flattening an And already at the top of `first`. */
const both = (first: Condition, second: Condition): Condition => ({
  And: [...('And' in first ? first.And : [first]), second],
});

/** One Choice with the Choices it goes to taken in, as far as MAX_RULES allows; undefined when nothing changed. */
function inlineOnce(name: string, choice: ChoiceState, states: States): ChoiceState | undefined {
  const choiceAt = (target: string | undefined): ChoiceState | undefined => {
    if (target === undefined || target === name || KEPT_CHOICES.includes(target)) return undefined;
    const state = states[target];
    return state?.Type === 'Choice' && state.Default !== undefined ? state : undefined;
  };
  const rules: ChoiceRule[] = [];
  let changed = false;
  for (const rule of choice.Choices) {
    const inner = choiceAt(rule.Next);
    if (inner && inner.Default !== undefined) {
      const condition = conditionOf(rule);
      rules.push(...inner.Choices.map((s) => ({ ...both(condition, conditionOf(s)), Next: s.Next })));
      rules.push({ ...condition, Next: inner.Default });
      changed = true;
    } else {
      rules.push(rule);
    }
  }
  let fallback = choice.Default;
  const tail = choiceAt(fallback);
  if (tail && tail.Default !== undefined) {
    rules.push(...tail.Choices);
    fallback = tail.Default;
    changed = true;
  }
  if (!changed || rules.length > MAX_RULES) return undefined;
  return { ...choice, Choices: rules, ...(fallback !== undefined ? { Default: fallback } : {}) };
}

/** The states `startAt` reaches (Next, Default, choice rules and catchers), in their order. */
function reachable(startAt: string, states: States): States {
  const reached = new Set<string>();
  const visit = (name: string): void => {
    if (reached.has(name)) return;
    reached.add(name);
    const state = states[name];
    if (state) successorsOf(state).forEach(visit);
  };
  visit(startAt);
  return Object.fromEntries(Object.entries(states).filter(([name]) => reached.has(name)));
}

/** `states` with Choice chains folded (see above), Map item processors too. */
export function inlineChoiceStates(startAt: string, states: States): States {
  let current: Record<string, State> = Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      if (state.Type !== 'Map') return [name, state];
      const processor = state.ItemProcessor;
      const inner = inlineChoiceStates(processor.StartAt, processor.States);
      return [name, { ...state, ItemProcessor: { ...processor, States: inner } }];
    }),
  );
  // Each pass folds one level of every chain; a chain of n Choices needs n - 1 passes.
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    for (const [name, state] of Object.entries(current)) {
      if (state.Type !== 'Choice') continue;
      const folded = inlineOnce(name, state, current);
      if (folded) {
        current = { ...current, [name]: folded };
        changed = true;
      }
    }
    current = reachable(startAt, current);
    if (!changed) break;
  }
  return current;
}

/** A definition with its Choice chains folded (inlineChoiceStates()). */
export function inlineChoices(definition: StateMachine): StateMachine {
  return { ...definition, States: inlineChoiceStates(definition.StartAt, definition.States) };
}
