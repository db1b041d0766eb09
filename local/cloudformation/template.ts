/**
 * Template checks CloudFormation makes before a stack operation starts (format, resource types, capabilities,
 * parameters) and the dependency order it creates, updates and deletes resources in: a resource depends on every
 * resource it names with Ref, Fn::GetAtt, Fn::Sub or DependsOn.
 */
import { insufficientCapabilities, templateFormatError, validationError } from './errors';
import type { CfnTemplate, TemplateResource } from './model';
import { isKnownType } from './resource-types';

export function parseTemplateBody(body: string): CfnTemplate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // AWS also reads YAML; local CloudFormation reads JSON only (see README).
    throw templateFormatError('local CloudFormation reads JSON templates only; this TemplateBody is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw templateFormatError('JSON not well-formed.');
  }
  const template = parsed as CfnTemplate;
  if (template.Resources === undefined || typeof template.Resources !== 'object') {
    throw templateFormatError('At least one Resources member must be defined.');
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw templateFormatError(`Resource name ${id} is non alphanumeric.`);
    if (resource === null || typeof resource !== 'object' || typeof resource.Type !== 'string') {
      throw templateFormatError(`[/Resources/${id}] Every Resources object must contain a Type member.`);
    }
  }
  return template;
}

/**
 * Types local CloudFormation cannot stand up. AWS rejects unknown types ("Unrecognized resource types"); here a
 * type AWS knows but local AWS does not is rejected the same way, with the fix.
 */
export function checkResourceTypes(template: CfnTemplate): void {
  const unknown = Object.entries(template.Resources).filter(([, r]) => !isKnownType(r.Type));
  if (unknown.length > 0) {
    throw validationError(
      `Template format error: The stack has resource types local AWS does not know: ${unknown.map(([id, r]) => `${id} (${r.Type})`).join(', ')}. ` +
        'Add each to EMULATED_TYPES (and create it) or NAMED_ONLY_TYPES in local/cloudformation/resource-types.ts.',
    );
  }
}

const NAMED_IAM: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

/** IAM resources need CAPABILITY_IAM, custom-named ones CAPABILITY_NAMED_IAM, as on AWS. */
export function checkCapabilities(template: CfnTemplate, capabilities: readonly string[]): void {
  const resources = Object.values(template.Resources);
  const named = resources.some((r) => {
    const nameProperty = NAMED_IAM[r.Type];
    return nameProperty !== undefined && r.Properties?.[nameProperty] !== undefined;
  });
  if (named && !capabilities.includes('CAPABILITY_NAMED_IAM')) throw insufficientCapabilities('CAPABILITY_NAMED_IAM');
  const iam = resources.some((r) => r.Type.startsWith('AWS::IAM::'));
  if (iam && !capabilities.includes('CAPABILITY_IAM') && !capabilities.includes('CAPABILITY_NAMED_IAM')) {
    throw insufficientCapabilities('CAPABILITY_IAM');
  }
}

/** Parameter values: the given ones, else the defaults; a parameter with neither fails, as on AWS. */
export function resolveParameters(
  template: CfnTemplate,
  given: ReadonlyArray<{ ParameterKey?: string; ParameterValue?: string; UsePreviousValue?: boolean }>,
  previous: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const declared = template.Parameters ?? {};
  const values: Record<string, string> = {};
  for (const p of given) {
    if (p.ParameterKey === undefined) continue;
    if (!Object.hasOwn(declared, p.ParameterKey)) {
      throw validationError(`Parameters: [${p.ParameterKey}] do not exist in the template`);
    }
    const value = p.UsePreviousValue === true ? previous[p.ParameterKey] : p.ParameterValue;
    if (value !== undefined) values[p.ParameterKey] = value;
  }
  const missing: string[] = [];
  for (const [key, parameter] of Object.entries(declared)) {
    if (values[key] !== undefined) continue;
    if (parameter.Default !== undefined) values[key] = String(parameter.Default);
    else missing.push(key);
  }
  if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
  return values;
}

/** Logical ids a value refers to through Ref, Fn::GetAtt and Fn::Sub (pseudo parameters and parameters excluded). */
function references(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) references(item, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = record[key];
    if (key === 'Ref' && typeof arg === 'string') {
      into.add(arg);
      return;
    }
    if (key === 'Fn::GetAtt') {
      const id = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
      if (typeof id === 'string') into.add(id);
      return;
    }
    if (key === 'Fn::Sub') {
      const [text, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [unknown, Record<string, unknown>];
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^}!]+)\}/g)) {
          const name = match[1] ?? '';
          if (!Object.hasOwn(variables ?? {}, name)) into.add(name.split('.')[0] ?? name);
        }
      }
      references(variables, into);
      return;
    }
  }
  for (const item of Object.values(record)) references(item, into);
}

export function dependsOnOf(resource: TemplateResource): string[] {
  const { DependsOn } = resource;
  if (typeof DependsOn === 'string') return [DependsOn];
  return Array.isArray(DependsOn) ? DependsOn.filter((d): d is string => typeof d === 'string') : [];
}

/** The resources each resource depends on (only ids that are resources of the template). */
export function dependencies(template: CfnTemplate): Map<string, Set<string>> {
  const ids = new Set(Object.keys(template.Resources));
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const named = new Set<string>(dependsOnOf(resource));
    for (const d of named) {
      if (!ids.has(d))
        throw templateFormatError(
          `Unresolved dependencies [${d}]. Cannot reference resources in the DependsOn attribute of ${id}.`,
        );
    }
    references(resource.Properties, named);
    graph.set(id, new Set([...named].filter((d) => ids.has(d) && d !== id)));
  }
  return graph;
}

/** Creation order: every resource after the ones it depends on, template order otherwise. Cycles fail, as on AWS. */
export function creationOrder(template: CfnTemplate): string[] {
  const graph = dependencies(template);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw templateFormatError(`Circular dependency between resources: [${path.slice(path.indexOf(id)).join(', ')}]`);
    }
    state.set(id, 'visiting');
    for (const d of graph.get(id) ?? []) visit(d, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of graph.keys()) visit(id, []);
  return order;
}
