/**
 * Lambda entry point of the approvals function (contract/approvals.ts), in stacks whose swap approval is a Step
 * Functions task-token wait: deploy-green asks it to start the swap that waits (`start`), swap's callback Task hands it
 * the token to keep beside the record (`request`), and swap asks it to forget the token, and start abort if the
 * approval was rejected or expired, when the wait ends without approval (`withdraw`). Environment: DEPLOYMENT_TABLE
 * (the deployment item's table) and SERVICE_ARN (its key).
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, SendTaskFailureCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  APPROVAL_ATTRIBUTE,
  APPROVAL_SUPERSEDED,
  approvalIsCurrent,
  NOTHING_TO_APPROVE,
  readPendingApproval,
  type ApprovalStarted,
  type ApprovalWithdrawn,
  type ApprovalsRequest,
} from '../../contract';
import {
  abortsGreen,
  derivedExecutionName,
  executionArnOf,
  greenUnderTest,
  pendingApproval,
  readApprovalsRequest,
  readRecord,
  withdrawnError,
  withdrawnMessage,
} from './core';

export interface ApprovalsEnvironment {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly variables: Readonly<Record<string, string | undefined>>;
}

/** A closed or unknown token: the wait it belonged to is over, so there is nothing to fail. */
const TOKEN_CLOSED = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** No green under test as the wait begins: swap fails at once with this error, nothing changed. */
export class NothingToApproveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = NOTHING_TO_APPROVE;
  }
}

export type ApprovalsResult =
  | ApprovalStarted
  | { readonly waiting: true; readonly expiresAt: string }
  | (ApprovalWithdrawn & { readonly error: string });

function variable(env: ApprovalsEnvironment, name: string): string {
  const value = env.variables[name];
  if (value === undefined || value === '') throw new Error(`approvals: environment variable ${name} is not set`);
  return value;
}

export function createHandler(env: ApprovalsEnvironment): (event: unknown) => Promise<ApprovalsResult> {
  const config = {
    ...(env.endpoint !== undefined && { endpoint: env.endpoint }),
    ...(env.region !== undefined && { region: env.region }),
    ...(env.credentials !== undefined && { credentials: env.credentials }),
  };
  const ddb = new DynamoDBClient(config);
  const sfn = new SFNClient(config);
  const key = (): Record<string, AttributeValue> => ({ service: { S: variable(env, 'SERVICE_ARN') } });

  async function readItem(): Promise<Record<string, AttributeValue>> {
    const item = await ddb.send(
      new GetItemCommand({ TableName: variable(env, 'DEPLOYMENT_TABLE'), Key: key(), ConsistentRead: true }),
    );
    return item.Item ?? {};
  }

  /** StartExecution named after the asking execution: a retried request finds the execution it started. */
  async function startOnce(stateMachineArn: string, name: string, input: object): Promise<string> {
    try {
      const started = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return started.executionArn ?? executionArnOf(stateMachineArn, name);
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return executionArnOf(stateMachineArn, name);
      throw error;
    }
  }

  async function failToken(token: string, error: string, cause: string): Promise<void> {
    try {
      await sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
    } catch (failure) {
      if (!(failure instanceof Error && TOKEN_CLOSED.has(failure.name))) throw failure;
    }
  }

  async function start(request: Extract<ApprovalsRequest, { action: 'start' }>): Promise<ApprovalStarted> {
    const name = derivedExecutionName('approval', request.deployGreenExecutionArn);
    const swapExecutionArn = await startOnce(request.swapStateMachineArn, name, {
      cluster: request.cluster,
      service: request.service,
      awaitApproval: true,
    });
    return { swapExecutionArn };
  }

  /** Keeps the token for the green under test, conditioned on the record read; a newer waiter replaces an older one. */
  async function requestApproval(
    request: Extract<ApprovalsRequest, { action: 'request' }>,
    attempt = 1,
  ): Promise<{ readonly waiting: true; readonly expiresAt: string }> {
    const item = await readItem();
    const recordText = item['record']?.S;
    const green = greenUnderTest(readRecord(recordText));
    if (typeof green === 'string') {
      throw new NothingToApproveError(`Nothing to approve: ${green}. Run deploy-green first; nothing was changed.`);
    }
    const pending = pendingApproval(request.token, request.executionArn, green, request.now, request.timeoutSeconds);
    const previousText = item[APPROVAL_ATTRIBUTE]?.S;
    try {
      await ddb.send(
        new UpdateItemCommand({
          TableName: variable(env, 'DEPLOYMENT_TABLE'),
          Key: key(),
          UpdateExpression: 'SET #approval = :approval',
          // The record and the approval are as read: a record changed meanwhile is read again.
          ConditionExpression:
            previousText === undefined
              ? '#record = :record AND attribute_not_exists(#approval)'
              : '#record = :record AND #approval = :previous',
          ExpressionAttributeNames: { '#approval': APPROVAL_ATTRIBUTE, '#record': 'record' },
          ExpressionAttributeValues: {
            ':approval': { S: JSON.stringify(pending) },
            ':record': { S: recordText ?? '' },
            ...(previousText !== undefined && { ':previous': { S: previousText } }),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && attempt < 5) return requestApproval(request, attempt + 1);
      throw error;
    }
    const previous = readPendingApproval(previousText);
    if (previous !== undefined && previous.token !== request.token) {
      await failToken(
        previous.token,
        APPROVAL_SUPERSEDED,
        `swap execution ${request.executionArn} now waits for the approval of green task set ${green.taskSetArn}`,
      );
    }
    return { waiting: true, expiresAt: pending.expiresAt };
  }

  async function withdraw(
    request: Extract<ApprovalsRequest, { action: 'withdraw' }>,
  ): Promise<ApprovalWithdrawn & { readonly error: string }> {
    const item = await readItem();
    const pendingText = item[APPROVAL_ATTRIBUTE]?.S;
    const pending = readPendingApproval(pendingText);
    const mine = pending !== undefined && pending.executionArn === request.executionArn;
    if (mine) {
      try {
        await ddb.send(
          new UpdateItemCommand({
            TableName: variable(env, 'DEPLOYMENT_TABLE'),
            Key: key(),
            UpdateExpression: 'REMOVE #approval',
            ConditionExpression: '#approval = :mine',
            ExpressionAttributeNames: { '#approval': APPROVAL_ATTRIBUTE },
            ExpressionAttributeValues: { ':mine': { S: pendingText ?? '' } },
          }),
        );
      } catch (error) {
        // Replaced meanwhile by a newer waiter: it is not ours to remove any more.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    const record = readRecord(item['record']?.S);
    const current = mine && approvalIsCurrent(pending, record);
    const abortExecutionArn =
      current && abortsGreen(request.error)
        ? await startOnce(request.abortStateMachineArn, derivedExecutionName('rejected', request.executionArn), {
            cluster: request.cluster,
            service: request.service,
          })
        : null;
    const stale = !mine
      ? 'Nothing was aborted: another approval had replaced this one.'
      : current
        ? undefined
        : `Nothing was aborted: the green it was for is no longer under test (the record's phase is '${record.phase}').`;
    return {
      error: withdrawnError(request.error),
      abortExecutionArn,
      message: withdrawnMessage({
        error: request.error,
        ...(request.cause !== undefined && { cause: request.cause }),
        ...(pending !== undefined && mine && { green: pending.green }),
        abortExecutionArn,
        ...(stale !== undefined && { stale }),
      }),
    };
  }

  return async (event) => {
    const request = readApprovalsRequest(event);
    switch (request.action) {
      case 'start':
        return start(request);
      case 'request':
        return requestApproval(request);
      case 'withdraw':
        return withdraw(request);
    }
  };
}

/** On AWS: the function's own region and role, configured by its environment. */
export const handler = createHandler({ variables: process.env });
