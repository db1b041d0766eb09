/**
 * How each emulated service is spoken on the wire, as the SDK v3 clients speak it. The server uses this to recognise
 * requests (JSON target prefix or query version) and to shape responses and framework errors for each protocol.
 */
export interface ServiceProtocol {
  readonly serviceId: string;
  readonly wire: 'json' | 'query';
  /** JSON: `X-Amz-Target` is `<targetPrefix>.<Operation>`. */
  readonly targetPrefix?: string;
  /** JSON: `application/x-amz-json-1.0` or `-1.1`. */
  readonly contentType: string;
  /** Query: the `Version` parameter and the XML namespace of responses. */
  readonly queryVersion?: string;
  readonly xmlNamespace?: string;
  /** Error code for constraint violations found before the operation runs (missing member, bad enum, …). */
  readonly validationErrorCode: string;
  /** Error code for an operation the service does not have (or we do not emulate). */
  readonly unknownOperationCode: string;
  /**
   * JSON only, for a service AWS moved from the query protocol (`awsQueryCompatible`): services throw the query error
   * codes; on JSON the body's `__type` names the error shape (`namespace#Shape`, the shape from this map, else the code)
   * and the `x-amzn-query-error` header carries `Code;Sender|Receiver`, which is what the SDK shows as `Code`.
   */
  readonly queryCompatible?: { readonly namespace: string; readonly errorShapes: Readonly<Record<string, string>> };
}

/** CloudWatch's query error codes and the error shapes the JSON protocol names (@aws-sdk/client-cloudwatch's model). */
const CLOUDWATCH_ERROR_SHAPES: Readonly<Record<string, string>> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  LimitExceeded: 'LimitExceededFault',
  InternalServiceError: 'InternalServiceFault',
  InvalidFormat: 'InvalidFormatFault',
  ValidationError: 'ValidationException',
};

export const SERVICE_PROTOCOLS: readonly ServiceProtocol[] = [
  {
    serviceId: 'ECS',
    wire: 'json',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    contentType: 'application/x-amz-json-1.1',
    // ECS reports bad parameter values as InvalidParameterException (a modelled ECS error the SDK knows).
    validationErrorCode: 'InvalidParameterException',
    unknownOperationCode: 'UnknownOperationException',
  },
  {
    serviceId: 'SFN',
    wire: 'json',
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    validationErrorCode: 'ValidationException',
    unknownOperationCode: 'UnknownOperationException',
  },
  {
    // The approvals API and local pipeline executions (local/codepipeline).
    serviceId: 'CodePipeline',
    wire: 'json',
    targetPrefix: 'CodePipeline_20150709',
    contentType: 'application/x-amz-json-1.1',
    validationErrorCode: 'ValidationException',
    unknownOperationCode: 'UnknownOperationException',
  },
  {
    // Tables and items (local/dynamodb): the deployment lease and record the state machines keep.
    serviceId: 'DynamoDB',
    wire: 'json',
    targetPrefix: 'DynamoDB_20120810',
    contentType: 'application/x-amz-json-1.0',
    validationErrorCode: 'ValidationException',
    unknownOperationCode: 'UnknownOperationException',
  },
  {
    // Alarms and metrics (local/cloudwatch). The SDK v3 client speaks JSON 1.0 in query-compatible mode; the AWS CLI
    // v1 speaks the query protocol (below).
    serviceId: 'CloudWatch',
    wire: 'json',
    targetPrefix: 'GraniteServiceVersion20100801',
    contentType: 'application/x-amz-json-1.0',
    validationErrorCode: 'ValidationError',
    unknownOperationCode: 'InvalidAction',
    queryCompatible: { namespace: 'com.amazonaws.cloudwatch', errorShapes: CLOUDWATCH_ERROR_SHAPES },
  },
  {
    serviceId: 'CloudWatch',
    wire: 'query',
    contentType: 'text/xml',
    queryVersion: '2010-08-01',
    xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    validationErrorCode: 'ValidationError',
    unknownOperationCode: 'InvalidAction',
  },
  {
    // Scalable targets and target tracking policies on ECS services (local/applicationautoscaling).
    serviceId: 'Application Auto Scaling',
    wire: 'json',
    targetPrefix: 'AnyScaleFrontendService',
    contentType: 'application/x-amz-json-1.1',
    validationErrorCode: 'ValidationException',
    unknownOperationCode: 'UnknownOperationException',
  },
  {
    serviceId: 'Elastic Load Balancing v2',
    wire: 'query',
    contentType: 'text/xml',
    queryVersion: '2015-12-01',
    xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    validationErrorCode: 'ValidationError',
    unknownOperationCode: 'InvalidAction',
  },
  {
    // Only DescribeStacks (local/cloudformation), so tools discover the locally deployed stack as on AWS.
    serviceId: 'CloudFormation',
    wire: 'query',
    contentType: 'text/xml',
    queryVersion: '2010-05-15',
    xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    validationErrorCode: 'ValidationError',
    unknownOperationCode: 'InvalidAction',
  },
];

/** JSON type errors and unknown members fail in AWS's deserializer, before validation. */
export const JSON_SERIALIZATION_ERROR = 'SerializationException';

export function protocolForTarget(target: string): { protocol: ServiceProtocol; operation: string } | undefined {
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, dot);
  const protocol = SERVICE_PROTOCOLS.find((p) => p.wire === 'json' && p.targetPrefix === prefix);
  return protocol && dot > 0 ? { protocol, operation: target.slice(dot + 1) } : undefined;
}

export function protocolForQueryVersion(version: string | undefined): ServiceProtocol | undefined {
  return SERVICE_PROTOCOLS.find((p) => p.wire === 'query' && p.queryVersion === version);
}
