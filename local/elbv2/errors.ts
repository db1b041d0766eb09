/**
 * The ELBv2 errors more than one operation throws, with the codes and messages of the ELBv2 API reference. All are
 * client faults (HTTP 400) on the query protocol; the SDK maps the code to the modelled exception class. Errors only
 * one operation throws stay with that operation.
 */
import { AwsError } from '../aws/service';

export const validation = (message: string): AwsError => new AwsError('ValidationError', message);

export const loadBalancerNotFound = (arn: string): AwsError =>
  new AwsError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);

export const listenerNotFound = (arn: string): AwsError =>
  new AwsError('ListenerNotFound', `Listener '${arn}' not found`);

export const targetGroupNotFound = (arn: string): AwsError =>
  new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);

export const ruleNotFound = (): AwsError => new AwsError('RuleNotFound', `One or more rules not found`);

export const unsupportedProtocol = (protocol: string): AwsError =>
  new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported by local ELBv2 (HTTP is)`);

export const duplicateListener = (message: string): AwsError => new AwsError('DuplicateListener', message);

export const operationNotPermitted = (message: string): AwsError => new AwsError('OperationNotPermitted', message);
