/**
 * The CodePipeline errors more than one operation throws, with AWS's codes. All are client faults (HTTP 400) on the
 * JSON 1.1 protocol; the SDK maps the code to the modelled exception class. Errors only one operation (or
 * declaration.ts's CreatePipeline checks) throws stay with it.
 */
import { AwsError } from '../aws/service';

export const validation = (message: string): AwsError => new AwsError('ValidationException', message);

export const pipelineNotFound = (accountId: string, name: string): AwsError =>
  new AwsError('PipelineNotFoundException', `Account '${accountId}' does not have a pipeline with name '${name}'`);
