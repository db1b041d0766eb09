/**
 * The ECS errors our operations throw, with the codes and messages AWS returns. All of them are client faults
 * (HTTP 400) on the JSON protocol; the SDK maps the code to the modelled exception class.
 */
import { AwsError } from '../aws/service';

export const clusterNotFound = (): AwsError => new AwsError('ClusterNotFoundException', 'Cluster not found.');

export const serviceNotFound = (): AwsError => new AwsError('ServiceNotFoundException', 'Service not found.');

export const serviceNotActive = (): AwsError => new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');

export const taskSetNotFound = (): AwsError =>
  new AwsError('TaskSetNotFoundException', 'The specified task set does not exist.');

export const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterException', message);

export const clientError = (message: string): AwsError => new AwsError('ClientException', message);

export const unsupportedFeature = (message: string): AwsError => new AwsError('UnsupportedFeatureException', message);

export const accessDenied = (principal: string, action: string, resource: string): AwsError =>
  new AwsError(
    'AccessDeniedException',
    `User: ${principal} is not authorized to perform: ${action} on resource: ${resource}`,
  );
