/**
 * Lambda entry point of the approvals function (contract/approvals.ts), in stacks whose approvals are Step Functions
 * task-token waits: deploy-green asks it to start the swap that waits, and swap the clean-up that waits (`start`); the
 * waiting execution's callback Task hands it the token to keep beside the record (`request`), and asks it to forget the
 * token, and start abort or rollback if the approval was rejected or expired, when the wait ends without approval
 * (`withdraw`). Environment: DEPLOYMENT_TABLE (the deployment item's table) and SERVICE_ARN (its key).
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskFailureCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  APPROVAL_ATTRIBUTE,
  APPROVAL_SUPERSEDED,
  approvalIsCurrent,
  NOTHING_TO_APPROVE,
  readWaitingApproval,
  type ApprovalStarted,
  type ApprovalWithdrawn,
  type ApprovalsRequest,
} from '../../contract';
import {
  derivedExecutionName,
  executionArnOf,
  pendingApproval,
  readApprovalsRequest,
  readRecord,
  startsRejection,
  versionToApprove,
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

/** Nothing to approve at the stage as the wait begins: the waiting execution fails at once, nothing changed. */
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

  /** The execution's ARN if it exists (it was started), else null. */
  async function existingExecution(executionArn: string): Promise<string | null> {
    return (await statusOf(executionArn)) === null ? null : executionArn;
  }

  async function failToken(token: string, error: string, cause: string): Promise<void> {
    try {
      await sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
    } catch (failure) {
      if (!(failure instanceof Error && TOKEN_CLOSED.has(failure.name))) throw failure;
    }
  }

  /** The execution's status, or null when it does not exist. */
  async function statusOf(executionArn: string): Promise<string | null> {
    try {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return described.status ?? null;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return null;
      throw error;
    }
  }

  /**
   * Starts the execution that waits, named after the asking one. At ApproveCleanUp, a clean-up already waiting,
   * running, for the green production serves now (a swap re-run after a Stop, or by hand, finds the one its first run
   * started) is kept and named instead: a second one would only replace it. (At ApproveSwap every deploy-green records a
   * new green, so there is none to keep.)
   */
  async function start(request: Extract<ApprovalsRequest, { action: 'start' }>): Promise<ApprovalStarted> {
    const item = request.stage === 'ApproveCleanUp' ? await readItem() : {};
    const kept = readWaitingApproval(item[APPROVAL_ATTRIBUTE]?.S);
    if (
      kept !== undefined &&
      kept.stage === request.stage &&
      kept.executionArn.startsWith(`${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:`) &&
      approvalIsCurrent(kept, readRecord(item['record']?.S)) &&
      (await statusOf(kept.executionArn)) === 'RUNNING'
    ) {
      return { executionArn: kept.executionArn, swapExecutionArn: kept.executionArn };
    }
    const name = derivedExecutionName('approval', request.fromExecutionArn);
    const executionArn = await startOnce(request.stateMachineArn, name, {
      cluster: request.cluster,
      service: request.service,
      awaitApproval: true,
    });
    return { executionArn, swapExecutionArn: executionArn };
  }

  /**
   * Keeps the token for the version of its stage (the green under test, or the green production serves), conditioned
   * on the record read; a newer waiter replaces an older one, of either stage.
   */
  async function requestApproval(
    request: Extract<ApprovalsRequest, { action: 'request' }>,
    attempt = 1,
  ): Promise<{ readonly waiting: true; readonly expiresAt: string }> {
    const item = await readItem();
    const recordText = item['record']?.S;
    const green = versionToApprove(request.stage, readRecord(recordText));
    if (typeof green === 'string') {
      const first = request.stage === 'ApproveSwap' ? 'Run deploy-green first' : 'Run swap first';
      throw new NothingToApproveError(`Nothing to approve: ${green}. ${first}; nothing was changed.`);
    }
    const pending = pendingApproval(
      request.stage,
      request.token,
      request.executionArn,
      green,
      request.now,
      request.timeoutSeconds,
    );
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
    const previous = readWaitingApproval(previousText);
    if (previous !== undefined && previous.token !== request.token) {
      await failToken(
        previous.token,
        APPROVAL_SUPERSEDED,
        `${request.stage === 'ApproveSwap' ? 'swap' : 'clean-up'} execution ${request.executionArn} now waits at ${request.stage} for green task set ${green.taskSetArn}`,
      );
    }
    return { waiting: true, expiresAt: pending.expiresAt };
  }

  async function withdraw(
    request: Extract<ApprovalsRequest, { action: 'withdraw' }>,
  ): Promise<ApprovalWithdrawn & { readonly error: string }> {
    const item = await readItem();
    const pendingText = item[APPROVAL_ATTRIBUTE]?.S;
    const pending = readWaitingApproval(pendingText);
    const mine =
      pending !== undefined && pending.executionArn === request.executionArn && pending.stage === request.stage;
    const record = readRecord(item['record']?.S);
    const current = mine && approvalIsCurrent(pending, record);
    // A rollback needs a version to go back to: after a first release (no blue) a rejected clean-up starts nothing.
    const firstRelease = request.stage === 'ApproveCleanUp' && record.previous === undefined;
    const rejectionName = derivedExecutionName('rejected', request.executionArn);
    // Abort or rollback starts before the token is forgotten: a retry after a lost answer finds the token still
    // there (and starts nothing twice, by the name) or finds it gone and the execution it started (below).
    let startedExecutionArn =
      current && !firstRelease && startsRejection(request.error)
        ? await startOnce(request.rejectStateMachineArn, rejectionName, {
            cluster: request.cluster,
            service: request.service,
          })
        : null;
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
    } else if (startsRejection(request.error)) {
      // Not ours any more: replaced, or forgotten by an earlier attempt of this same request whose answer was lost.
      // Then that attempt started abort or rollback (named after this execution), which the failure must name.
      startedExecutionArn = await existingExecution(executionArnOf(request.rejectStateMachineArn, rejectionName));
    }
    const nothing = request.stage === 'ApproveSwap' ? 'Nothing was aborted' : 'Nothing was rolled back';
    const stale = !mine
      ? pending === undefined
        ? `${nothing}: this approval was no longer kept (withdrawn already).`
        : `${nothing}: another approval had replaced this one.`
      : !current
        ? `${nothing}: the green it was for is no longer ${request.stage === 'ApproveSwap' ? 'under test' : 'what production serves after a swap'} (the record's phase is '${record.phase}').`
        : firstRelease
          ? `${nothing}: this was the first release, so there is no earlier version to go back to; production keeps serving it, and clean-up closes the test listener.`
          : undefined;
    return {
      error: withdrawnError(request.error),
      startedExecutionArn,
      abortExecutionArn: startedExecutionArn,
      message: withdrawnMessage({
        stage: request.stage,
        error: request.error,
        ...(request.cause !== undefined && { cause: request.cause }),
        ...(pending !== undefined && mine && { green: pending.green }),
        startedExecutionArn,
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
