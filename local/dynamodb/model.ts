/**
 * The DynamoDB records the emulator keeps in memory. Items are stored in the wire form of AttributeValue
 * (`{ S: 'x' }`, `{ N: '1.5' }`, …) so requests and responses need no conversion; numbers are kept normalised
 * (see numbers.ts) the way DynamoDB returns them.
 */

/** One AttributeValue, exactly one member set (validated by attribute-values.ts). */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly L: readonly AttributeValue[] }
  | { readonly NULL: boolean }
  | { readonly BOOL: boolean };

export type AttributeType = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';

/** An item (or key): attribute name → value. */
export type Item = Readonly<Record<string, AttributeValue>>;

export type ScalarAttributeType = 'S' | 'N' | 'B';

export interface KeyElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

export interface AttributeDefinition {
  readonly AttributeName: string;
  readonly AttributeType: ScalarAttributeType;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface TableRecord {
  readonly name: string;
  readonly arn: string;
  readonly id: string;
  readonly createdAt: number;
  readonly keySchema: readonly KeyElement[];
  readonly attributeDefinitions: readonly AttributeDefinition[];
  readonly billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  readonly provisionedThroughput?: { readonly ReadCapacityUnits: number; readonly WriteCapacityUnits: number };
  deletionProtectionEnabled: boolean;
  tags: Tag[];
  /** Items by the canonical encoding of their key (see keyString in store.ts). */
  readonly items: Map<string, Item>;
}
