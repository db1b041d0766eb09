/**
 * AWS::Events::Rule on local AWS's in-process event bus. putRule replaces a rule of the same name, which is what an
 * in-place update does; the bus has no DeleteRule, so a delete disables the rule (reported DELETE_SKIPPED).
 */
import type { LocalEventTarget } from '../../events/event-bus';
import { generatedSuffix, onlyKeys, type ResourceHandler, str } from './handler';

/** AWS::Events::Rule properties to a rule on local AWS's event bus. */
function toEventRule(name: string, props: Record<string, unknown>, id: string) {
  onlyKeys(props, ['Name', 'Description', 'EventPattern', 'State', 'Targets'], id);
  const targets = ((props.Targets ?? []) as Array<Record<string, unknown>>).map((target, t): LocalEventTarget => {
    onlyKeys(target, ['Id', 'Arn', 'RoleArn', 'Input'], `${id}.Targets[${t}]`);
    return {
      id: String(target.Id),
      arn: String(target.Arn),
      ...(target.RoleArn !== undefined && { roleArn: String(target.RoleArn) }),
      ...(target.Input !== undefined && { input: String(target.Input) }),
    };
  });
  return { name, eventPattern: props.EventPattern, state: props.State as 'ENABLED' | 'DISABLED' | undefined, targets };
}

const bus = (ctx: Parameters<ResourceHandler['create']>[0]) => {
  if (!ctx.env.eventBus) throw new Error(`${ctx.env.endpoint} has no local event bus.`);
  return ctx.env.eventBus;
};

export const eventRuleHandler: ResourceHandler = {
  replacementProperties: new Set(['Name', 'EventBusName']),
  customName: (p) => str(p.Name),
  create(ctx, props) {
    const base = str(props.Name) ?? `${ctx.stack.name}-${ctx.logicalId}`.slice(0, ctx.replacing ? 50 : 64);
    const name = str(props.Name) ?? (ctx.replacing ? `${base}-${generatedSuffix()}` : base);
    bus(ctx).putRule(toEventRule(name, props, ctx.logicalId));
    const { region, accountId } = ctx.env;
    return Promise.resolve({
      physical: { ref: name, attributes: { Arn: `arn:aws:events:${region}:${accountId}:rule/${name}` } },
    });
  },
  update(ctx, current, props) {
    bus(ctx).putRule(toEventRule(current.physical.ref, props, ctx.logicalId));
    return Promise.resolve({ physical: current.physical });
  },
  delete(ctx, current) {
    bus(ctx).putRule({
      ...toEventRule(current.physical.ref, { ...current.properties }, ctx.logicalId),
      state: 'DISABLED',
    });
    return Promise.resolve({ skipped: 'The local event bus has no DeleteRule: the rule is disabled instead.' });
  },
};
