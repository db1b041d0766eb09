/**
 * Visits every state of an ASL definition, including those nested in Parallel branches and Map iterators.
 * aws-local-stepfunctions finds Task handlers and overrides by state name alone, at every nesting level.
 */

export type JsonObject = Record<string, unknown>;

export interface VisitedState {
  readonly name: string;
  readonly state: JsonObject;
  /** Where the state sits, for error messages: `/States/Deploy/Branches/0/States/CreateTaskSet`. */
  readonly path: string;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The nested state machines (`{StartAt, States}`) of a Parallel or Map state. */
export function nestedMachines(state: JsonObject, path: string): Array<{ machine: JsonObject; path: string }> {
  const nested: Array<{ machine: JsonObject; path: string }> = [];
  if (Array.isArray(state['Branches'])) {
    state['Branches'].forEach((branch, i) => {
      if (isJsonObject(branch)) nested.push({ machine: branch, path: `${path}/Branches/${i}` });
    });
  }
  for (const key of ['Iterator', 'ItemProcessor']) {
    const machine = state[key];
    if (isJsonObject(machine)) nested.push({ machine, path: `${path}/${key}` });
  }
  return nested;
}

export function* allStates(machine: JsonObject, path = ''): Generator<VisitedState> {
  const states = machine['States'];
  if (!isJsonObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    const statePath = `${path}/States/${name}`;
    yield { name, state, path: statePath };
    for (const nested of nestedMachines(state, statePath)) yield* allStates(nested.machine, nested.path);
  }
}
