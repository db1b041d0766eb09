/**
 * AWS::Lambda::Permission: a statement of a function's resource-based policy (AddPermission). Local AWS has no Lambda
 * API; the statement goes to the local event bus, the only caller here that invokes functions under a resource-based
 * policy (EventBridge's Lambda targets, local/events/lambda-permissions.ts). Every property requires replacement, as
 * the CloudFormation resource reference says ("Update requires: Replacement" on each), so an update is a new
 * statement and the old one is removed in the cleanup phase. The statement id is `STACK-LOGICALID-SUFFIX`, what Ref
 * and GetAtt Id return.
 */
import { generatedSuffix, onlyKeys, type ResourceHandler, str } from './handler';

const PROPERTIES = [
  'Action',
  'EventSourceToken',
  'FunctionName',
  'FunctionUrlAuthType',
  'InvokedViaFunctionUrl',
  'Principal',
  'PrincipalOrgID',
  'SourceAccount',
  'SourceArn',
];

const bus = (ctx: Parameters<ResourceHandler['create']>[0]) => {
  if (!ctx.env.eventBus) throw new Error(`${ctx.env.endpoint} has no local event bus to keep Lambda permissions.`);
  return ctx.env.eventBus;
};

function required(props: Record<string, unknown>, name: string, id: string): string {
  const value = str(props[name]);
  if (value === undefined || value === '') throw new Error(`${id}: Property ${name} cannot be empty.`);
  return value;
}

export const lambdaPermissionHandler: ResourceHandler = {
  replacementProperties: new Set(PROPERTIES),
  create(ctx, props) {
    onlyKeys(props, PROPERTIES, ctx.logicalId);
    const id = `${ctx.stack.name}-${ctx.logicalId}-${generatedSuffix()}`.slice(-100);
    const sourceArn = str(props.SourceArn);
    const sourceAccount = str(props.SourceAccount);
    bus(ctx).putLambdaPermission({
      id,
      functionName: required(props, 'FunctionName', ctx.logicalId),
      action: required(props, 'Action', ctx.logicalId),
      principal: required(props, 'Principal', ctx.logicalId),
      ...(sourceArn !== undefined && { sourceArn }),
      ...(sourceAccount !== undefined && { sourceAccount }),
    });
    return Promise.resolve({ physical: { ref: id, attributes: { Id: id } } });
  },
  // Only reached when no replacement property changed: nothing to do.
  update: (_ctx, current) => Promise.resolve({ physical: current.physical }),
  delete(ctx, current) {
    bus(ctx).removeLambdaPermission(current.physical.ref);
    return Promise.resolve();
  },
};
