/**
 * CreateStateMachine/UpdateStateMachine validation: everything that would make a local run silently differ from AWS
 * is rejected up front with a message naming the problem.
 */
import { allStates, isJsonObject, type JsonObject } from './definition-walk';
import { jsonClone } from './json-clone';
import { parameterTemplateProblems } from './sdk-naming';
import { isLambdaTask, parseTaskResource } from './task-resources';

interface AslValidationResult {
  readonly isValid: boolean;
  errorsText(separator?: string): string;
}
type AslValidator = (
  definition: unknown,
  options?: { checkArn?: boolean; checkPaths?: boolean },
) => AslValidationResult;
// asl-validator ships no TypeScript types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as AslValidator;

/** Fields that only exist in JSONata state machines; aws-local-stepfunctions ignores them silently. */
const JSONATA_FIELDS = ['Arguments', 'Output', 'Assign', 'Items'] as const;
/** Distributed Map fields; the library fails on them at run time. */
const DISTRIBUTED_MAP_FIELDS = ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailureCount', 'Label'] as const;

function containsJsonataExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.trimStart().startsWith('{%');
  if (Array.isArray(value)) return value.some(containsJsonataExpression);
  if (isJsonObject(value)) return Object.values(value).some(containsJsonataExpression);
  return false;
}

function choiceRulesWithCondition(rules: unknown): boolean {
  return Array.isArray(rules) && rules.some((rule) => isJsonObject(rule) && 'Condition' in rule);
}

function jsonataProblems(definition: JsonObject): string[] {
  const problems: string[] = [];
  const unsupported = (where: string, what: string): void => {
    problems.push(
      `${where}: ${what} is JSONata, which local Step Functions does not evaluate; write this state machine in JSONPath`,
    );
  };
  if (definition['QueryLanguage'] === 'JSONata') unsupported('/', 'QueryLanguage "JSONata"');
  for (const { state, path } of allStates(definition)) {
    if (state['QueryLanguage'] === 'JSONata') unsupported(path, 'QueryLanguage "JSONata"');
    for (const field of JSONATA_FIELDS) if (field in state) unsupported(path, `the field '${field}'`);
    if (choiceRulesWithCondition(state['Choices'])) unsupported(path, `a Choice rule 'Condition'`);
    if (containsJsonataExpression(state)) unsupported(path, 'a {% … %} expression');
  }
  return problems;
}

function featureProblems(definition: JsonObject): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { name, state, path } of allStates(definition)) {
    // Handlers and overrides are keyed by state name, so a name used twice would share them.
    const earlier = seen.get(name);
    if (earlier !== undefined) problems.push(`${path}: state name '${name}' is already used at ${earlier}`);
    seen.set(name, path);

    if (state['Type'] === 'Map') {
      const processor = state['ItemProcessor'];
      const mode =
        isJsonObject(processor) && isJsonObject(processor['ProcessorConfig'])
          ? processor['ProcessorConfig']['Mode']
          : undefined;
      if (mode === 'DISTRIBUTED') problems.push(`${path}: Distributed Map is not supported locally`);
      for (const field of DISTRIBUTED_MAP_FIELDS) {
        if (field in state) problems.push(`${path}: '${field}' (Distributed Map) is not supported locally`);
      }
    }
    if (state['Type'] !== 'Task') continue;
    const resource = parseTaskResource(state['Resource']);
    if ('problem' in resource) {
      problems.push(`${path}: ${resource.problem}`);
      continue;
    }
    if (resource.kind === 'aws-sdk' && state['Parameters'] !== undefined) {
      problems.push(...parameterTemplateProblems(state['Parameters'], resource.sdk.schema.input, `${path}/Parameters`));
    }
    if (resource.kind === 'dynamodb') {
      // The optimized integration takes the API's request members; TableName and Key/Item are required by the API.
      problems.push(
        ...parameterTemplateProblems(state['Parameters'], resource.task.schema.input, `${path}/Parameters`),
      );
      if (!isJsonObject(state['Parameters'])) problems.push(`${path}: dynamodb:${resource.resource} needs Parameters`);
    }
    if (isLambdaTask(resource)) {
      const parameters = state['Parameters'];
      if (!isJsonObject(parameters) || !('FunctionName' in parameters || 'FunctionName.$' in parameters)) {
        problems.push(`${path}: lambda:${resource.resource} needs Parameters with FunctionName`);
      }
    }
    // The States Language: "If provided, the HeartbeatSeconds interval MUST be smaller than the TimeoutSeconds value."
    const timeout = state['TimeoutSeconds'];
    const heartbeat = state['HeartbeatSeconds'];
    if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
      problems.push(`${path}: HeartbeatSeconds (${heartbeat}) must be smaller than TimeoutSeconds (${timeout})`);
    }
  }
  return problems;
}

/** Parses and checks a definition; returns the parsed definition or the list of problems. */
export function checkDefinition(definitionText: string): { definition: JsonObject } | { problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definitionText);
  } catch (error) {
    return { problems: [`definition is not valid JSON: ${(error as Error).message}`] };
  }
  if (!isJsonObject(parsed)) return { problems: ['definition must be a JSON object'] };
  const jsonata = jsonataProblems(parsed);
  if (jsonata.length > 0) return { problems: jsonata };
  // asl-validator mutates its input.
  const result = aslValidator(jsonClone(parsed), { checkArn: true, checkPaths: true });
  if (!result.isValid) return { problems: [result.errorsText('\n')] };
  const features = featureProblems(parsed);
  return features.length > 0 ? { problems: features } : { definition: parsed };
}
