/** Table records → the DynamoDB JSON wire shape (TableDescription; timestamps as epoch seconds). */
import type { TableRecord } from './model';

export function tableDescription(
  table: TableRecord,
  status: 'ACTIVE' | 'DELETING' = 'ACTIVE',
): Record<string, unknown> {
  const createdAt = table.createdAt / 1000;
  const throughput = table.provisionedThroughput ?? { ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
  return {
    TableName: table.name,
    TableArn: table.arn,
    TableId: table.id,
    TableStatus: status,
    CreationDateTime: createdAt,
    AttributeDefinitions: table.attributeDefinitions.map((d) => ({ ...d })),
    KeySchema: table.keySchema.map((k) => ({ ...k })),
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ...throughput },
    ...(table.billingMode === 'PAY_PER_REQUEST' && {
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: createdAt },
    }),
    TableSizeBytes: 0,
    ItemCount: table.items.size,
    DeletionProtectionEnabled: table.deletionProtectionEnabled,
  };
}
