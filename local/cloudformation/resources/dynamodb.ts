/** AWS::DynamoDB::Table through local DynamoDB: `Ref` is the table name, `Fn::GetAtt Arn` its ARN. */
import { CreateTableCommand, DeleteTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { generatedSuffix, onlyKeys, type ResourceHandler, str } from './handler';

/**
 * AWS::DynamoDB::Table properties (the same PascalCase members as CreateTable) to CreateTable. Properties that do not
 * change how items are read and written (point-in-time recovery: backups only) are accepted and not emulated; any other
 * property fails the deploy (see local/dynamodb/README.md).
 */
function toCreateTable(name: string, props: Record<string, unknown>, id: string): CreateTableCommandInput {
  onlyKeys(
    props,
    [
      'TableName',
      'KeySchema',
      'AttributeDefinitions',
      'BillingMode',
      'ProvisionedThroughput',
      'PointInTimeRecoverySpecification',
      'DeletionProtectionEnabled',
      'Tags',
    ],
    id,
  );
  return {
    TableName: name,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    // CloudFormation's default, like the API's, is PROVISIONED.
    ...(props.BillingMode !== undefined && { BillingMode: props.BillingMode as 'PAY_PER_REQUEST' }),
    ...(props.ProvisionedThroughput !== undefined && {
      ProvisionedThroughput: props.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'],
    }),
    ...(props.DeletionProtectionEnabled !== undefined && {
      DeletionProtectionEnabled: props.DeletionProtectionEnabled === true || props.DeletionProtectionEnabled === 'true',
    }),
    ...(props.Tags !== undefined && { Tags: props.Tags as CreateTableCommandInput['Tags'] }),
  };
}

export const tableHandler: ResourceHandler = {
  replacementProperties: new Set(['TableName', 'KeySchema']),
  customName: (p) => str(p.TableName),
  async create(ctx, props) {
    // CloudFormation names a table STACK-LogicalId-RANDOM; locally without the random part (but with it for a
    // replacement, which must not reuse the old table's name).
    const name =
      str(props.TableName) ?? `${ctx.stack.name}-${ctx.logicalId}${ctx.replacing ? `-${generatedSuffix()}` : ''}`;
    const { TableDescription } = await ctx.clients.dynamodb.send(
      new CreateTableCommand(toCreateTable(name, props, ctx.logicalId)),
    );
    return { physical: { ref: name, attributes: { Arn: TableDescription?.TableArn ?? '' } } };
  },
  update: () =>
    Promise.reject(new Error('Local DynamoDB has no UpdateTable: an in-place table update cannot be applied locally.')),
  async delete(ctx, current) {
    try {
      await ctx.clients.dynamodb.send(new DeleteTableCommand({ TableName: current.physical.ref }));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    }
  },
};
