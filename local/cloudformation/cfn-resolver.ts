/**
 * Resolves the CloudFormation intrinsics that our synthesized template uses (Ref, Fn::GetAtt, Fn::Join, Fn::Select,
 * Fn::Split, Fn::Sub and pseudo parameters) against the physical ids local AWS assigned. Anything else fails loudly:
 * a template that needs more than this has drifted from what local AWS can faithfully stand up.
 */
export interface PhysicalResource {
  /** What `Ref` returns. */
  readonly ref: string;
  /** What `Fn::GetAtt` returns, by attribute name. */
  readonly attributes: Readonly<Record<string, string>>;
}

export class UnresolvableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableError';
  }
}

export interface ResolveContext {
  readonly resources: ReadonlyMap<string, PhysicalResource>;
  readonly region: string;
  readonly accountId: string;
  /** @default 'EcsBlueGreen' */
  readonly stackName?: string;
  readonly stackId?: string;
  /** Template parameter values, by name (what `Ref` of a parameter returns). */
  readonly parameters?: Readonly<Record<string, string>>;
}

const PSEUDO: Record<string, (ctx: ResolveContext) => string> = {
  'AWS::Region': (ctx) => ctx.region,
  'AWS::AccountId': (ctx) => ctx.accountId,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (ctx) => ctx.stackName ?? 'EcsBlueGreen',
  'AWS::StackId': (ctx) =>
    ctx.stackId ??
    `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName ?? 'EcsBlueGreen'}/local`,
};

export function resolveValue(value: unknown, ctx: ResolveContext, where = '$'): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveValue(v, ctx, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) {
    return resolveIntrinsic(keys[0], record[keys[0]], ctx, where);
  }
  return Object.fromEntries(keys.map((k) => [k, resolveValue(record[k], ctx, `${where}.${k}`)]));
}

export function resolveString(value: unknown, ctx: ResolveContext, where: string): string {
  const resolved = resolveValue(value, ctx, where);
  if (typeof resolved !== 'string' && typeof resolved !== 'number') {
    throw new UnresolvableError(`${where} resolved to ${JSON.stringify(resolved)}, expected a string.`);
  }
  return String(resolved);
}

function resource(ctx: ResolveContext, logicalId: string, where: string): PhysicalResource {
  const found = ctx.resources.get(logicalId);
  if (!found) throw new UnresolvableError(`${where} refers to ${logicalId}, which local AWS has not created.`);
  return found;
}

function resolveIntrinsic(fn: string, arg: unknown, ctx: ResolveContext, where: string): unknown {
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      const pseudo = PSEUDO[name];
      if (pseudo) return pseudo(ctx);
      const parameter = ctx.parameters?.[name];
      return parameter ?? resource(ctx, name, where).ref;
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
      const value = resource(ctx, String(logicalId), where).attributes[String(attribute)];
      if (value === undefined) throw new UnresolvableError(`${where}: ${logicalId}.${attribute} is not known locally.`);
      return value;
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return (resolveValue(parts, ctx, where) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [number | string, unknown];
      const resolved = resolveValue(list, ctx, where) as unknown[];
      const item = resolved[Number(index)];
      if (item === undefined) throw new UnresolvableError(`${where}: Fn::Select index ${index} is out of range.`);
      return item;
    }
    case 'Fn::Split': {
      const [separator, source] = arg as [string, unknown];
      return resolveString(source, ctx, where).split(separator);
    }
    case 'Fn::Sub': {
      const [template, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
      const vars = resolveValue(variables, ctx, where) as Record<string, unknown>;
      return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in vars) return String(vars[name]);
        if (PSEUDO[name]) return (PSEUDO[name] as (c: ResolveContext) => string)(ctx);
        const parameter = ctx.parameters?.[name];
        if (parameter !== undefined) return parameter;
        const [id, attribute] = name.split('.');
        const res = resource(ctx, String(id), where);
        return attribute ? String(res.attributes[attribute]) : res.ref;
      });
    }
    default:
      throw new UnresolvableError(`${where} uses ${fn}, which local AWS does not resolve.`);
  }
}

/** Fn::Sub of a state machine definition with its DefinitionSubstitutions, as CloudFormation does it. */
export function substituteDefinition(definition: string, substitutions: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined)
      throw new UnresolvableError(`The definition uses \${${name}} but has no substitution for it.`);
    return value;
  });
}
