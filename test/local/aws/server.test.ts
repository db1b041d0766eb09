/**
 * The local AWS server on the JSON 1.1 path, with a tiny fake ECS service so this does not depend on the ECS emulator:
 * the real ECS SDK client round-trips results and errors, and the server validates, logs, injects faults and records
 * the signing principal.
 */
import {
  CreateTaskSetCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  type CreateTaskSetCommandInput,
} from '@aws-sdk/client-ecs';
import { accessKeyForRole } from '../../../local/aws/principal';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { AwsError, type CallContext, type EmulatedService } from '../../../local/aws/service';
import type { FaultCall } from '../../../local/aws/faults';
import { PortInUseError } from '../../../local/dataplane/types';

const ROLE = 'arn:aws:iam::123456789012:role/deployer';
const CREATED_AT = new Date('2026-01-02T03:04:05.000Z');

function fakeEcs(
  calls: Array<{ operation: string; input: Record<string, unknown>; ctx: CallContext }>,
): EmulatedService {
  return {
    serviceId: 'ECS',
    operations: new Set(['DescribeServices', 'CreateTaskSet']),
    invoke(operation, input, ctx) {
      calls.push({ operation, input, ctx });
      if (input['cluster'] === 'missing') {
        return Promise.reject(new AwsError('ClusterNotFoundException', 'Cluster not found.'));
      }
      if (input['cluster'] === 'broken') {
        return Promise.reject(new AwsError('ServerException', 'Something broke.', 500));
      }
      if (operation === 'CreateTaskSet') return Promise.resolve({ taskSet: { id: 'ecs-svc/1', status: 'ACTIVE' } });
      return Promise.resolve({
        services: [{ serviceName: 'web', status: 'ACTIVE', desiredCount: 2, createdAt: CREATED_AT }],
        failures: [],
      });
    },
  };
}

const TASK_SET: CreateTaskSetCommandInput = {
  cluster: 'main',
  service: 'web',
  taskDefinition: 'web:1',
  loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'web', containerPort: 8080 }],
};

let calls: Array<{ operation: string; input: Record<string, unknown>; ctx: CallContext }>;
let faultCalls: FaultCall[];
let aws: LocalAws;
let ecs: ECSClient;

beforeEach(async () => {
  calls = [];
  faultCalls = [];
  aws = await startLocalAws({
    port: 0,
    services: [fakeEcs(calls)],
    faults: {
      beforeInvoke(call) {
        faultCalls.push(call);
        return call.operation === 'CreateTaskSet' && call.n === 1
          ? new AwsError('ThrottlingException', 'Rate exceeded', 400)
          : undefined;
      },
    },
  });
  ecs = new ECSClient({
    endpoint: aws.endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: accessKeyForRole(ROLE), secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  ecs.destroy();
  await aws.close();
});

async function errorOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );
  if (!error) throw new Error('expected the call to fail');
  return error;
}

const postJson = (target: string, body: string) =>
  fetch(aws.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });

describe('JSON 1.1 (ECS)', () => {
  it('round-trips a call through the real SDK client, timestamps as epoch seconds', async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] }));
    expect(out.services?.[0]).toMatchObject({ serviceName: 'web', desiredCount: 2 });
    expect(out.services?.[0]?.createdAt?.toISOString()).toBe(CREATED_AT.toISOString());
    expect(calls[0]).toMatchObject({
      operation: 'DescribeServices',
      input: { cluster: 'main', services: ['web'] },
      ctx: { principal: ROLE, region: 'eu-central-1', accountId: '123456789012' },
    });
  });

  it('turns an AwsError into an SDK error named by its code, with the HTTP status', async () => {
    const notFound = await errorOf(ecs.send(new DescribeServicesCommand({ cluster: 'missing', services: ['web'] })));
    expect(notFound.name).toBe('ClusterNotFoundException');
    expect(notFound.message).toBe('Cluster not found.');
    expect(notFound.$metadata?.httpStatusCode).toBe(400);
    const server = await errorOf(ecs.send(new DescribeServicesCommand({ cluster: 'broken', services: ['web'] })));
    expect(server.name).toBe('ServerException');
    expect(server.$metadata?.httpStatusCode).toBe(500);
  });

  it('answers an operation the service does not implement with UnknownOperationException', async () => {
    const error = await errorOf(ecs.send(new ListClustersCommand({})));
    expect(error.name).toBe('UnknownOperationException');
    expect(error.message).toContain('ListClusters');
    expect(calls).toHaveLength(0);
  });

  it('answers an unknown X-Amz-Target with UnknownOperationException in the body and header', async () => {
    const res = await postJson('AWSStepFunctions.StartExecution', '{}');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(((await res.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  it('rejects a missing required member and a bad enum before the service sees them', async () => {
    const missing = await errorOf(
      ecs.send(new CreateTaskSetCommand({ ...TASK_SET, taskDefinition: undefined } as never)),
    );
    expect(missing.name).toBe('InvalidParameterException');
    expect(missing.message).toContain("Value null at 'taskDefinition' failed to satisfy constraint");
    const badEnum = await errorOf(ecs.send(new CreateTaskSetCommand({ ...TASK_SET, launchType: 'MOON' as never })));
    expect(badEnum.name).toBe('InvalidParameterException');
    expect(badEnum.message).toContain("Value 'MOON' at 'launchType' failed to satisfy constraint");
    expect(calls).toHaveLength(0);
  });

  it('rejects wrong types and unknown members as SerializationException', async () => {
    const wrongType = await postJson(
      'AmazonEC2ContainerServiceV20141113.CreateTaskSet',
      JSON.stringify({ ...TASK_SET, loadBalancers: [{ containerName: 'web', containerPort: '8080' }] }),
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(await wrongType.text()).toContain('loadBalancers.1.member.containerPort');

    const unknown = await postJson(
      'AmazonEC2ContainerServiceV20141113.DescribeServices',
      JSON.stringify({ cluster: 'main', services: ['web'], Cluster: 'main' }),
    );
    expect(unknown.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(await unknown.text()).toContain("Unknown parameter 'Cluster'");
    expect(calls).toHaveLength(0);
  });
});

describe('call log', () => {
  it('records every call with service, operation, principal, input and outcome', async () => {
    await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] }));
    await errorOf(ecs.send(new DescribeServicesCommand({ cluster: 'missing', services: ['web'] })));
    const anonymous = new ECSClient({
      endpoint: aws.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await anonymous.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] }));
    anonymous.destroy();

    const entries = aws.callLog.entries({ service: 'ECS' });
    expect(entries.map((e) => [e.operation, e.principal, e.outcome])).toEqual([
      ['DescribeServices', ROLE, { ok: true }],
      ['DescribeServices', ROLE, { ok: false, errorCode: 'ClusterNotFoundException' }],
      ['DescribeServices', undefined, { ok: true }],
    ]);
    expect(entries[0]?.input).toEqual({ cluster: 'main', services: ['web'] });
    expect(Number.isNaN(Date.parse(entries[0]?.time ?? ''))).toBe(false);
    expect(aws.callLog.entries({ principal: ROLE })).toHaveLength(2);
  });
});

describe('fault hook', () => {
  it('answers with the fault instead of invoking, counting calls per operation', async () => {
    const throttled = await errorOf(ecs.send(new CreateTaskSetCommand(TASK_SET)));
    expect(throttled.name).toBe('ThrottlingException');
    await expect(ecs.send(new CreateTaskSetCommand(TASK_SET))).resolves.toMatchObject({ taskSet: { id: 'ecs-svc/1' } });
    expect(faultCalls.map((c) => [c.operation, c.n, c.principal])).toEqual([
      ['CreateTaskSet', 1, ROLE],
      ['CreateTaskSet', 2, ROLE],
    ]);
    expect(calls.map((c) => c.operation)).toEqual(['CreateTaskSet']);
    expect(aws.callLog.entries({ operation: 'CreateTaskSet' }).map((e) => e.outcome)).toEqual([
      { ok: false, errorCode: 'ThrottlingException' },
      { ok: true },
    ]);
  });
});

describe('startup', () => {
  it('refuses a service it has no wire protocol for', async () => {
    const stranger: EmulatedService = { serviceId: 'S3', operations: new Set(), invoke: () => Promise.resolve({}) };
    await expect(startLocalAws({ port: 0, services: [stranger] })).rejects.toThrow("cannot serve 'S3'");
  });

  it('throws PortInUseError naming the port and the --port option when the port is taken', async () => {
    const error = await startLocalAws({ port: aws.port, services: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ port: aws.port, option: '--port' });
  });
});
