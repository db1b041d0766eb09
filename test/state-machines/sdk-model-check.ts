/**
 * A static check of every AWS SDK call the shipped state machines make, against the service models inside the SDK v3
 * client packages (the same schemas local Step Functions runs with):
 *
 * 1. Parameters: member names (via local Step Functions' `parameterTemplateProblems`), required members, and the type
 *    of literal values (string, number, boolean, list, map, structure; enum values from the client's type
 *    declarations, where the model has an enum).
 * 2. Result paths: the task's ResultSelector paths, and every later read of its ResultPath (Choice rules, Parameters,
 *    ItemSelector, InputPath, ItemsPath, OutputPath, Wait and Fail paths, intrinsic-function arguments) on each path
 *    through the graph until a state overwrites that location. Results use the member names in PascalCase, as
 *    local Step Functions' `fromSdkOutput` renders them; the optimized DynamoDB integration adds SdkHttpMetadata and
 *    SdkResponseMetadata.
 * 3. Retry/Catch error names of aws-sdk and dynamodb Tasks: `States.*` (`States.Timeout`/`States.HeartbeatTimeout` only
 *    with TimeoutSeconds/HeartbeatSeconds), the name Step Functions gives an error the operation can raise (the
 *    `@throws` list of the operation's command in the client package; local Step Functions' `taskErrorFromSdk` /
 *    `dynamoDbTaskError` give the name), or the service's base exception.
 *
 * Not covered: lambda:invoke Tasks (no Lambda model here; their payload is our own), reads inside Parallel branches
 * and Map iterators of a result written outside them (their input is rebuilt from Parameters/ItemSelector), reads
 * along Catch edges of the writing Task itself, and paths after a wildcard or filter (checked up to it).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import ts from 'typescript';
import { readAsl, STATE_MACHINE_NAMES } from '../../infra/lib/private/asl';
import { isJsonObject, nestedMachines, type JsonObject } from '../../local/stepfunctions/definition-walk';
import { dynamoDbTaskError } from '../../local/stepfunctions/dynamodb-task';
import { parameterTemplateProblems, pascalCase } from '../../local/stepfunctions/sdk-naming';
import { modeledErrors, shapeOf } from '../../local/stepfunctions/sdk-schema';
import { taskErrorFromSdk } from '../../local/stepfunctions/task-errors';
import { parseTaskResource } from '../../local/stepfunctions/task-resources';

export type ProblemKind = 'parameter' | 'result-path' | 'error-name';

export interface ModelProblem {
  readonly machine: string;
  readonly state: string;
  readonly kind: ProblemKind;
  /** The offending name: a parameter path, a JSONPath, an error name. */
  readonly name: string;
  /** What is wrong and what the model allows. */
  readonly message: string;
}

export function formatProblem(p: ModelProblem): string {
  return `${p.machine} ${p.state} [${p.kind}] ${p.name}: ${p.message}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The models

/** The client package each service's model comes from (for the declarations: enums and operation error lists). */
const PACKAGES: Readonly<Record<string, string>> = {
  ecs: '@aws-sdk/client-ecs',
  elasticloadbalancingv2: '@aws-sdk/client-elastic-load-balancing-v2',
  sfn: '@aws-sdk/client-sfn',
  applicationautoscaling: '@aws-sdk/client-application-auto-scaling',
  dynamodb: '@aws-sdk/client-dynamodb',
};

interface TaskModel {
  /** `ecs:describeServices`, `dynamodb:updateItem`. */
  readonly label: string;
  readonly operation: string;
  readonly module: Readonly<Record<string, unknown>>;
  readonly packageDir: string;
  readonly input: unknown;
  readonly output: unknown;
  /** Top-level result fields the integration adds to the API's output. */
  readonly extraResultFields: readonly string[];
  /** The Step Functions error name of a modelled error shape. */
  readonly errorName: (shape: string) => string;
  readonly baseError: string;
}

function packageDir(service: string): string {
  const name = PACKAGES[service];
  if (name === undefined) throw new Error(`no client package known for ${service}`);
  // <package>/dist-cjs/index.js
  return path.dirname(path.dirname(require.resolve(name)));
}

const fakeServiceError = (code: string) => ({ name: code, message: '', $metadata: { httpStatusCode: 400 } });

function taskModel(state: JsonObject): TaskModel | undefined {
  const resource = parseTaskResource(state['Resource']);
  if ('problem' in resource) {
    // An aws-sdk Task this check cannot read would pass unchecked: every service the machines call must be known here.
    if (String(state['Resource']).startsWith('arn:aws:states:::aws-sdk:')) throw new Error(resource.problem);
    return undefined;
  }
  if (resource.kind === 'aws-sdk') {
    const { service, operation, schema } = resource.sdk;
    const errorName = (shape: string) => taskErrorFromSdk(service, fakeServiceError(shape)).name;
    return {
      label: `${service.arnName}:${resource.sdk.action}`,
      operation,
      module: service.module,
      packageDir: packageDir(service.arnName),
      input: schema.input,
      output: schema.output,
      extraResultFields: [],
      errorName,
      baseError: errorName(''),
    };
  }
  if (resource.kind === 'dynamodb') {
    const errorName = (shape: string) => dynamoDbTaskError(fakeServiceError(shape)).name;
    return {
      label: `dynamodb:${resource.resource}`,
      operation: resource.task.operation,
      module: dynamodb as unknown as Readonly<Record<string, unknown>>,
      packageDir: packageDir('dynamodb'),
      input: resource.task.schema.input,
      output: resource.task.schema.output,
      extraResultFields: ['SdkHttpMetadata', 'SdkResponseMetadata'],
      errorName,
      baseError: errorName(''),
    };
  }
  return undefined;
}

/** The errors an operation can raise: its command's `@throws` list, or every modelled error of the service. */
function operationErrors(model: TaskModel): { shapes: readonly string[]; source: 'operation' | 'service' } {
  const file = path.join(model.packageDir, 'dist-types', 'commands', `${model.operation}Command.d.ts`);
  if (fs.existsSync(file)) {
    const shapes = [...fs.readFileSync(file, 'utf8').matchAll(/@throws \{@link (\w+)\}/g)]
      .map((m) => m[1] ?? '')
      .filter((name) => !name.endsWith('ServiceException'));
    if (shapes.length > 0) return { shapes: [...new Set(shapes)], source: 'operation' };
  }
  return { shapes: [...new Set(modeledErrors(model.module).values())], source: 'service' };
}

const enumCache = new Map<string, ReadonlyMap<string, readonly string[]>>();

/**
 * `Structure.member` → enum values, from the client's model declarations (`launchType?: LaunchType | undefined`,
 * where `LaunchType` is also an exported object of string values). The static schemas carry no enum values.
 */
function enumMembers(model: TaskModel): ReadonlyMap<string, readonly string[]> {
  const cached = enumCache.get(model.packageDir);
  if (cached) return cached;
  const enums = new Map<string, readonly string[]>();
  const enumValues = (typeName: string): readonly string[] | undefined => {
    const value = model.module[typeName];
    if (!isJsonObject(value)) return undefined;
    const values = Object.values(value);
    return values.length > 0 && values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
  };
  const referencedEnum = (type: ts.TypeNode): readonly string[] | undefined => {
    if (ts.isUnionTypeNode(type)) {
      for (const t of type.types) {
        const found = referencedEnum(t);
        if (found) return found;
      }
      return undefined;
    }
    if (ts.isArrayTypeNode(type)) return referencedEnum(type.elementType);
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) return enumValues(type.typeName.text);
    return undefined;
  };
  const modelsDir = path.join(model.packageDir, 'dist-types', 'models');
  for (const file of fs.readdirSync(modelsDir).filter((f) => f.endsWith('.d.ts'))) {
    const source = ts.createSourceFile(
      file,
      fs.readFileSync(path.join(modelsDir, file), 'utf8'),
      ts.ScriptTarget.Latest,
    );
    for (const statement of source.statements) {
      if (!ts.isInterfaceDeclaration(statement)) continue;
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || !member.type || !ts.isIdentifier(member.name)) continue;
        const values = referencedEnum(member.type);
        if (values) enums.set(`${statement.name.text}.${member.name.text}`, values);
      }
    }
  }
  enumCache.set(model.packageDir, enums);
  return enums;
}

type ScalarType = 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document';

/** The simple type of a schema reference, or undefined for lists, maps and structures. */
function scalarType(ref: unknown): ScalarType | undefined {
  if (typeof ref === 'function') return scalarType((ref as () => unknown)());
  if (Array.isArray(ref)) {
    const tuple = ref as readonly unknown[];
    if (tuple.length === 2) return scalarType(tuple[0]);
    return tuple[0] === 0 ? scalarType(tuple[4]) : undefined;
  }
  if (typeof ref !== 'number' || ref & 0b1100_0000) return undefined;
  if (ref === 0) return 'string';
  if (ref === 2) return 'boolean';
  if (ref === 15) return 'document';
  if (ref >= 4 && ref <= 7) return 'timestamp';
  if (ref === 21 || ref === 42) return 'blob';
  return 'number';
}

/** The members a structure requires (static schemas list them first and give their count). */
function requiredMembers(ref: unknown): readonly string[] {
  if (typeof ref === 'function') return requiredMembers((ref as () => unknown)());
  if (!Array.isArray(ref)) return [];
  const tuple = ref as readonly unknown[];
  if (tuple.length === 2) return requiredMembers(tuple[0]);
  if (tuple[0] !== 3) return [];
  const count = typeof tuple[6] === 'number' ? tuple[6] : 0;
  return ((tuple[4] ?? []) as readonly string[]).slice(0, count);
}

function memberNamed(members: ReadonlyMap<string, unknown>, key: string): string | undefined {
  for (const member of members.keys()) if (pascalCase(member) === key) return member;
  return undefined;
}

function memberList(members: ReadonlyMap<string, unknown>): string {
  return [...members.keys()].map(pascalCase).join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Parameters

const PLACEHOLDER = /^\$\{\w+\}$/;

function literalProblems(
  value: unknown,
  ref: unknown,
  where: string,
  model: TaskModel,
  enumValues?: readonly string[],
): string[] {
  const scalar = scalarType(ref);
  if (scalar !== undefined) {
    const ok =
      scalar === 'document' ||
      (scalar === 'string' && typeof value === 'string') ||
      (scalar === 'number' && typeof value === 'number') ||
      (scalar === 'boolean' && typeof value === 'boolean') ||
      (scalar === 'timestamp' && (typeof value === 'string' || typeof value === 'number')) ||
      (scalar === 'blob' && typeof value === 'string');
    if (!ok) return [`${where}: ${JSON.stringify(value)} is not a ${scalar}`];
    if (enumValues && typeof value === 'string' && !PLACEHOLDER.test(value) && !enumValues.includes(value)) {
      return [`${where}: '${value}' is not one of the model's values (${enumValues.join(', ')})`];
    }
    return [];
  }
  const shape = shapeOf(ref);
  switch (shape.kind) {
    case 'list':
      if (!Array.isArray(value)) return [`${where}: ${JSON.stringify(value)} is not a list`];
      return value.flatMap((item, i) => literalProblems(item, shape.member, `${where}[${i}]`, model, enumValues));
    case 'map':
      if (!isJsonObject(value)) return [`${where}: ${JSON.stringify(value)} is not a map`];
      return Object.entries(value).flatMap(([key, child]) =>
        key.endsWith('.$') ? [] : literalProblems(child, shape.value, `${where}.${key}`, model),
      );
    case 'structure': {
      if (!isJsonObject(value)) return [`${where}: ${JSON.stringify(value)} is not a structure (${shape.name})`];
      const problems = requiredMembers(ref)
        .map(pascalCase)
        .filter((name) => !(name in value) && !(`${name}.$` in value))
        .map((name) => `${where}.${name}: the required member '${name}' of ${shape.name} is missing`);
      const enums = enumMembers(model);
      for (const [key, child] of Object.entries(value)) {
        if (key.endsWith('.$')) continue;
        // Unknown names are parameterTemplateProblems' to report.
        const member = memberNamed(shape.members, key);
        if (member === undefined) continue;
        const values = enums.get(`${shape.name}.${member}`);
        problems.push(...literalProblems(child, shape.members.get(member), `${where}.${key}`, model, values));
      }
      return problems;
    }
    default:
      return [];
  }
}

function parameterProblems(state: JsonObject, model: TaskModel): string[] {
  const parameters = state['Parameters'] ?? {};
  return [
    ...parameterTemplateProblems(parameters, model.input, 'Parameters'),
    ...literalProblems(parameters, model.input, 'Parameters', model),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// JSONPath reading

type Segment =
  { readonly kind: 'field'; readonly name: string } | { readonly kind: 'index' } | { readonly kind: 'stop' };

/** `$.a.b[0]['c'][*]` → segments; filters, slices, unions, deep scans and functions end the checked part. */
export function pathSegments(jsonPath: string): Segment[] {
  const segments: Segment[] = [];
  let i = 1;
  while (i < jsonPath.length) {
    const rest = jsonPath.slice(i);
    const field = /^\.([A-Za-z0-9_-]+)(\(\))?/.exec(rest);
    if (rest.startsWith('..')) return [...segments, { kind: 'stop' }];
    if (field) {
      if (field[2] !== undefined) return [...segments, { kind: 'stop' }];
      segments.push({ kind: 'field', name: field[1] ?? '' });
      i += field[0].length;
      continue;
    }
    const quoted = /^\[\s*'([^']*)'\s*\]/.exec(rest) ?? /^\[\s*"([^"]*)"\s*\]/.exec(rest);
    if (quoted) {
      segments.push({ kind: 'field', name: quoted[1] ?? '' });
      i += quoted[0].length;
      continue;
    }
    const index = /^\[\s*(\d+|\*)\s*\]/.exec(rest);
    if (index) {
      segments.push({ kind: 'index' });
      i += index[0].length;
      // A wildcard makes the rest a projection over every item; still checked against the item shape.
      continue;
    }
    return [...segments, { kind: 'stop' }];
  }
  return segments;
}

/** Every input path (`$…`, not `$$…`) a Parameters value reads: a path, or the arguments of an intrinsic function. */
export function pathsIn(expression: string): string[] {
  const paths: string[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (c === "'") {
      i += 1;
      while (i < expression.length && expression[i] !== "'") i += expression[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (c !== '$') {
      i += 1;
      continue;
    }
    const start = i;
    const context = expression[i + 1] === '$';
    i += context ? 2 : 1;
    let depth = 0;
    while (i < expression.length) {
      const d = expression[i] ?? '';
      if (d === '[') depth += 1;
      else if (d === ']') depth -= 1;
      else if (depth === 0 && !/[A-Za-z0-9_.*()-]/.test(d)) break;
      else if (depth === 0 && d === ')' && expression.slice(i - 1, i + 1) !== '()') break;
      i += 1;
    }
    if (!context) paths.push(expression.slice(start, i));
  }
  return paths;
}

/** What a ResultPath location holds after the writing Task: a model shape, ResultSelector's object, or anything. */
type ValueShape =
  | { readonly kind: 'model'; readonly ref: unknown; readonly extraFields?: readonly string[] }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, ValueShape> }
  | { readonly kind: 'any' }
  | { readonly kind: 'scalar'; readonly what: string };

const ANY: ValueShape = { kind: 'any' };

/** Follows segments through a value shape: the shape at the end, or what is wrong with the path. */
function resolve(shape: ValueShape, segments: readonly Segment[]): { shape: ValueShape } | { problem: string } {
  let current = shape;
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'stop' || current.kind === 'any') return { shape: ANY };
    const step = describeStep(segment);
    if (current.kind === 'scalar') return { problem: `${step} reads into a ${current.what}` };
    if (current.kind === 'object') {
      if (segment.kind !== 'field') return { problem: `${step}: ResultSelector made an object, not a list` };
      const next = current.fields.get(segment.name);
      if (next === undefined) {
        return {
          problem: `${step}: ResultSelector has no '${segment.name}' (it has: ${[...current.fields.keys()].join(', ')})`,
        };
      }
      current = next;
      continue;
    }
    if (i === 0 && segment.kind === 'field' && current.extraFields?.includes(segment.name)) return { shape: ANY };
    const scalar = scalarType(current.ref);
    if (scalar === 'document') return { shape: ANY };
    if (scalar !== undefined) return { problem: `${step} reads into a ${scalar}` };
    const model = shapeOf(current.ref);
    switch (model.kind) {
      case 'structure': {
        if (segment.kind !== 'field') return { problem: `${step}: ${model.name} is a structure, not a list` };
        const member = memberNamed(model.members, segment.name);
        if (member === undefined) {
          return {
            problem: `${step}: '${segment.name}' is not a member of ${model.name} (members: ${memberList(model.members)})`,
          };
        }
        current = { kind: 'model', ref: model.members.get(member) };
        break;
      }
      case 'list':
        if (segment.kind !== 'index') return { problem: `${step}: a list, read without an index` };
        current = { kind: 'model', ref: model.member };
        break;
      case 'map':
        if (segment.kind !== 'field') return { problem: `${step}: a map, read with an index` };
        current = { kind: 'model', ref: model.value };
        break;
      default:
        return { problem: `${step} reads into a ${model.kind}` };
    }
  }
  return { shape: current };
}

function describeStep(segment: Segment): string {
  return segment.kind === 'field' ? `.${segment.name}` : segment.kind === 'index' ? '[…]' : '…';
}

/** Intrinsic functions whose result is a string, number or boolean; the others may give anything. */
const SCALAR_INTRINSICS =
  /^States\.(Format|JsonToString|UUID|Base64Encode|Base64Decode|Hash|MathAdd|MathRandom|ArrayLength|ArrayContains)\(/;

/** What ResultSelector makes of the result, and the problems in its paths. */
function selectedShape(selector: unknown, result: ValueShape, problems: string[], where: string): ValueShape {
  if (!isJsonObject(selector)) {
    if (selector === null) return ANY;
    return { kind: 'scalar', what: typeof selector };
  }
  const fields = new Map<string, ValueShape>();
  for (const [key, value] of Object.entries(selector)) {
    if (!key.endsWith('.$')) {
      fields.set(key, selectedShape(value, result, problems, `${where}.${key}`));
      continue;
    }
    const name = key.slice(0, -2);
    const expression = String(value);
    let shape: ValueShape = ANY;
    for (const readPath of pathsIn(expression)) {
      const resolved = resolve(result, pathSegments(readPath));
      if ('problem' in resolved) problems.push(`${where}.${key} reads ${readPath}: ${resolved.problem}`);
      else if (readPath === expression) shape = resolved.shape;
    }
    if (SCALAR_INTRINSICS.test(expression)) shape = { kind: 'scalar', what: 'string or number' };
    fields.set(name, shape);
  }
  return { kind: 'object', fields };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Later reads of a Task's result

interface Read {
  readonly field: string;
  readonly path: string;
}

const CHOICE_PATH_FIELDS = /Path$/;

function choiceReads(rule: unknown, where: string): Read[] {
  if (!isJsonObject(rule)) return [];
  const reads: Read[] = [];
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'And' || key === 'Or') {
      if (Array.isArray(value)) value.forEach((r, i) => reads.push(...choiceReads(r, `${where}.${key}[${i}]`)));
    } else if (key === 'Not') reads.push(...choiceReads(value, `${where}.Not`));
    else if ((key === 'Variable' || CHOICE_PATH_FIELDS.test(key)) && typeof value === 'string') {
      reads.push({ field: `${where}.${key}`, path: value });
    }
  }
  return reads;
}

function templateReads(template: unknown, where: string): Read[] {
  if (Array.isArray(template)) return template.flatMap((v, i) => templateReads(v, `${where}[${i}]`));
  if (!isJsonObject(template)) return [];
  return Object.entries(template).flatMap(([key, value]) =>
    key.endsWith('.$') && typeof value === 'string'
      ? pathsIn(value).map((p) => ({ field: `${where}.${key}`, path: p }))
      : templateReads(value, `${where}.${key}`),
  );
}

/** The input paths a state reads, made absolute (paths after InputPath are relative to it). */
function stateReads(state: JsonObject): Read[] {
  const inputPath = typeof state['InputPath'] === 'string' ? state['InputPath'] : '$';
  const relative = (reads: Read[]): Read[] =>
    inputPath === '$' ? reads : reads.map((r) => ({ field: r.field, path: `${inputPath}${r.path.slice(1)}` }));
  const reads: Read[] = [];
  if (inputPath !== '$') reads.push({ field: 'InputPath', path: inputPath });
  reads.push(...relative(templateReads(state['Parameters'], 'Parameters')));
  reads.push(...relative(templateReads(state['ItemSelector'], 'ItemSelector')));
  for (const field of ['ItemsPath', 'SecondsPath', 'TimestampPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath']) {
    const value = state[field];
    if (typeof value === 'string') reads.push(...relative([{ field, path: value }]));
  }
  if (Array.isArray(state['Choices'])) {
    state['Choices'].forEach((rule, i) => reads.push(...relative(choiceReads(rule, `Choices[${i}]`))));
  }
  for (const field of ['ErrorPath', 'CausePath']) {
    const value = state[field];
    if (typeof value === 'string') reads.push({ field, path: value });
  }
  // OutputPath reads the state's output: the input, unless it reads where this state's result went.
  const outputPath = state['OutputPath'];
  const written = writtenPath(state);
  if (typeof outputPath === 'string' && (written === undefined || !overlaps(outputPath, written))) {
    reads.push({ field: 'OutputPath', path: outputPath });
  }
  return reads.filter((r) => r.path.startsWith('$') && !r.path.startsWith('$$'));
}

/** Where a state puts its result on success (undefined: nowhere; '$': replaces the whole input). */
function writtenPath(state: JsonObject): string | undefined {
  const type = state['Type'];
  if (type !== 'Task' && type !== 'Pass' && type !== 'Map' && type !== 'Parallel') return undefined;
  if (type === 'Pass' && !('Parameters' in state) && !('Result' in state) && !('InputPath' in state)) return undefined;
  const resultPath = state['ResultPath'];
  if (resultPath === null) return undefined;
  return typeof resultPath === 'string' ? resultPath : '$';
}

/** `inner` is `outer` or lies under it. */
function isUnder(inner: string, outer: string): boolean {
  if (outer === '$') return true;
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

function overlaps(a: string, b: string): boolean {
  return isUnder(a, b) || isUnder(b, a);
}

/** The states control may go to next, with where each transition writes (Catch ResultPath). */
function transitions(state: JsonObject): Array<{ next: string; writes: string | undefined }> {
  const out: Array<{ next: string; writes: string | undefined }> = [];
  const success = writtenPath(state);
  if (typeof state['Next'] === 'string') out.push({ next: state['Next'], writes: success });
  if (Array.isArray(state['Choices'])) {
    for (const rule of state['Choices']) {
      if (isJsonObject(rule) && typeof rule['Next'] === 'string') out.push({ next: rule['Next'], writes: undefined });
    }
  }
  if (typeof state['Default'] === 'string') out.push({ next: state['Default'], writes: undefined });
  if (Array.isArray(state['Catch'])) {
    for (const catcher of state['Catch']) {
      if (!isJsonObject(catcher) || typeof catcher['Next'] !== 'string') continue;
      const resultPath = catcher['ResultPath'];
      out.push({ next: catcher['Next'], writes: resultPath === null ? undefined : String(resultPath ?? '$') });
    }
  }
  return out;
}

/** A state whose output no longer has the input's root (OutputPath, or InputPath on a state that passes input on). */
function changesRoot(state: JsonObject): boolean {
  const outputPath = state['OutputPath'];
  if (typeof outputPath === 'string' && outputPath !== '$') return true;
  const inputPath = state['InputPath'];
  const passesInput = ['Choice', 'Wait', 'Succeed'].includes(String(state['Type']));
  return passesInput && typeof inputPath === 'string' && inputPath !== '$';
}

function laterReadProblems(
  states: JsonObject,
  taskName: string,
  resultPath: string,
  value: ValueShape,
): Array<{ state: string; name: string; message: string }> {
  const problems: Array<{ state: string; name: string; message: string }> = [];
  const task = states[taskName] as JsonObject;
  const seen = new Set<string>();
  const queue: Array<{ name: string; shadowed: readonly string[] }> = [];
  const follow = (from: JsonObject, shadowed: readonly string[]): void => {
    if (changesRoot(from)) return;
    for (const { next, writes } of transitions(from)) {
      if (writes !== undefined && isUnder(resultPath, writes)) continue; // overwritten
      const shadows = writes !== undefined && isUnder(writes, resultPath) && !shadowed.includes(writes);
      const nextShadowed = shadows ? [...shadowed, writes] : shadowed;
      queue.push({ name: next, shadowed: nextShadowed });
    }
  };
  // Only the success transition of the writing Task: its Catch edges run without its result.
  if (typeof task['Next'] === 'string' && !changesRoot(task)) queue.push({ name: task['Next'], shadowed: [] });
  while (queue.length > 0) {
    const { name, shadowed } = queue.shift() as { name: string; shadowed: readonly string[] };
    const key = `${name}\u0000${[...shadowed].sort().join('\u0000')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const state = states[name];
    if (!isJsonObject(state)) continue;
    for (const read of stateReads(state)) {
      if (!isUnder(read.path, resultPath) || shadowed.some((s) => isUnder(read.path, s))) continue;
      const resolved = resolve(value, pathSegments(`$${read.path.slice(resultPath.length)}`));
      if ('problem' in resolved) {
        problems.push({
          state: name,
          name: read.path,
          message: `${read.field} reads the result of ${taskName} (at ${resultPath}): ${resolved.problem}`,
        });
      }
    }
    follow(state, shadowed);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Error names

/** Errors Step Functions itself raises (docs: "Error names" in the States Language). */
const STATES_ERRORS = new Set([
  'States.ALL',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.QueryEvaluationError',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.TaskFailed',
  'States.Timeout',
]);

function errorNameProblems(state: JsonObject, model: TaskModel): Array<{ name: string; message: string }> {
  const { shapes, source } = operationErrors(model);
  const allowed = new Map<string, string>(shapes.map((shape) => [model.errorName(shape), shape]));
  allowed.set(model.baseError, 'the base exception');
  const allowedText = `${[...allowed.keys()].join(', ')} (${source === 'operation' ? `the errors ${model.operation} can raise` : `every error the ${model.label.split(':')[0]} model has`}, and the base exception)`;
  const problems: Array<{ name: string; message: string }> = [];
  for (const field of ['Retry', 'Catch'] as const) {
    const entries = state[field];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, i) => {
      const names = isJsonObject(entry) && Array.isArray(entry['ErrorEquals']) ? entry['ErrorEquals'] : [];
      for (const name of names.map(String)) {
        const where = `${field}[${i}].ErrorEquals`;
        if (name.startsWith('States.')) {
          if (!STATES_ERRORS.has(name)) {
            problems.push({ name, message: `${where}: not an error Step Functions raises` });
          } else if (name === 'States.Timeout' && !('TimeoutSeconds' in state || 'TimeoutSecondsPath' in state)) {
            problems.push({ name, message: `${where}: the Task has no TimeoutSeconds, so it cannot time out` });
          } else if (
            name === 'States.HeartbeatTimeout' &&
            !('HeartbeatSeconds' in state || 'HeartbeatSecondsPath' in state)
          ) {
            problems.push({ name, message: `${where}: the Task has no HeartbeatSeconds` });
          }
        } else if (!allowed.has(name)) {
          problems.push({ name, message: `${where}: ${model.label} never raises it; it can raise ${allowedText}` });
        }
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// The walk

function checkLevel(machine: string, level: JsonObject, problems: ModelProblem[]): void {
  const states = level['States'];
  if (!isJsonObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    for (const nested of nestedMachines(state, name)) checkLevel(machine, nested.machine, problems);
    if (state['Type'] !== 'Task') continue;
    const model = taskModel(state);
    if (!model) continue;
    const add = (kind: ProblemKind, offending: string, message: string, stateName = name) =>
      problems.push({ machine, state: stateName, kind, name: offending, message: `${model.label}: ${message}` });

    for (const message of parameterProblems(state, model)) {
      // `Parameters.X: …`, or parameterTemplateProblems' `Parameters: the field 'X' is not supported …`.
      const unknown = /^(\S+): the field '([^']+)'/.exec(message);
      add('parameter', unknown ? `${unknown[1]}.${unknown[2]}` : (message.split(': ')[0] ?? ''), message);
    }

    const result: ValueShape = { kind: 'model', ref: model.output, extraFields: model.extraResultFields };
    const selectorProblems: string[] = [];
    const value =
      state['ResultSelector'] === undefined
        ? result
        : selectedShape(state['ResultSelector'], result, selectorProblems, 'ResultSelector');
    for (const message of selectorProblems) add('result-path', /reads (\S+):/.exec(message)?.[1] ?? '', message);

    const resultPath = state['ResultPath'];
    if (typeof resultPath === 'string' && resultPath !== '$') {
      for (const p of laterReadProblems(states, name, resultPath, value))
        add('result-path', p.name, p.message, p.state);
    }

    for (const p of errorNameProblems(state, model)) add('error-name', p.name, p.message);
  }
}

/** Every problem of one definition (the machine name only labels the problems). */
export function checkDefinitionAgainstModels(machine: string, definition: unknown): ModelProblem[] {
  const problems: ModelProblem[] = [];
  if (isJsonObject(definition)) checkLevel(machine, definition, problems);
  return problems;
}

/** Every problem of the shipped `state-machines/*.asl.json`. */
export function checkShippedStateMachines(): ModelProblem[] {
  return STATE_MACHINE_NAMES.flatMap((name) =>
    checkDefinitionAgainstModels(`${name}.asl.json`, JSON.parse(readAsl(name)) as unknown),
  );
}
