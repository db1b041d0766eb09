import * as http from 'http';
import { TWO_SERVICES, TwoServicesStack } from '../../examples/two-services/two-services-stack';
import { runExecution, type ExecutionResult } from '../../harness/demo/executions';
import { startLocalServices, type LocalService, type LocalServices } from '../../harness/demo/local-services';
import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { synthStackTemplate } from '../../harness/deploy/synth';
import { EXIT } from '../../cli/exit-codes';
import { ApplicationAutoScalingClient, DescribeScalingPoliciesCommand } from '@aws-sdk/client-application-auto-scaling';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import { runInProcess } from '../cli/run-in-process';

/**
 * examples/two-services end to end on local AWS: two services behind one load balancer (one production listener
 * shared by host name, a test listener each) release at the same time, each with its own state machines, while
 * production traffic for both hosts is probed: no request for either fails, and each host only ever answers with
 * its own service's versions.
 */
function synth(): CfnTemplate {
  return synthStackTemplate((app) => new TwoServicesStack(app, 'TwoServices', { desiredCount: 1 }));
}

interface Probe {
  readonly host: string;
  readonly status: number | 'error';
  readonly version: string | undefined;
}

/** GETs production for each host in turn until stopped; every answer, in order. */
function probeProduction(port: number, hosts: readonly string[]): { stop(): Promise<Probe[]> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: hosts.length });
  const probes: Probe[] = [];
  let running = true;
  const get = (host: string): Promise<Probe> =>
    new Promise((resolve) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: { host } }, (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ host, status: response.statusCode ?? 0, version: response.headers['x-app-version'] as string }),
        );
      });
      request.on('error', () => resolve({ host, status: 'error', version: undefined }));
      request.setTimeout(5000, () => request.destroy());
    });
  const loops = hosts.map(async (host) => {
    while (running) {
      probes.push(await get(host));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return probes;
    },
  };
}

async function release(
  local: LocalServices,
  service: LocalService,
  version: string,
): Promise<Array<[string, ExecutionResult]>> {
  const results: Array<[string, ExecutionResult]> = [];
  const run = async (machine: 'deployGreen' | 'swap' | 'cleanUp', input: object) => {
    const result = await runExecution(local.sfn, service.stateMachines[machine], { ...service.input, ...input });
    results.push([machine, result]);
    if (result.status !== 'SUCCEEDED') {
      throw new Error(`${service.prefix} ${machine} ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`);
    }
  };
  await run('deployGreen', { image: `${service.imageRepositoryUri ?? ''}:${version}`, commit: version });
  await run('swap', { bakeSeconds: 5 });
  await run('cleanUp', {});
  return results;
}

test('two services on one load balancer release at the same time with no production error on either', async () => {
  const local = await startLocalServices(synth(), {
    stackName: 'TwoServices',
    timeScale: 0.02,
    ports: { api: 0, listeners: { 80: 0, ...Object.fromEntries(TWO_SERVICES.map((s) => [s.testPort, 0])) } },
  });
  try {
    expect(local.services.map((s) => s.prefix).sort()).toEqual(TWO_SERVICES.map((s) => s.id).sort());
    const byPrefix = (id: string): LocalService => local.services.find((s) => s.prefix === id)!;
    // Git commit ids (hex); each service's own, so an answer names the service that gave it.
    const commit = (id: string, n: number) => `${id === 'Web' ? 'eb' : 'a1'}0000${n}`;
    // The first releases (production answers its idle 503 until each swap).
    await Promise.all(TWO_SERVICES.map((s) => release(local, byPrefix(s.id), commit(s.id, 1))));

    const prober = probeProduction(
      local.aws.listenerPort(80),
      TWO_SERVICES.map((s) => s.host),
    );
    await Promise.all(TWO_SERVICES.map((s) => release(local, byPrefix(s.id), commit(s.id, 2))));
    const probes = await prober.stop();

    for (const service of TWO_SERVICES) {
      const mine = probes.filter((p) => p.host === service.host);
      expect(mine.length).toBeGreaterThan(20);
      expect(mine.filter((p) => p.status !== 200)).toEqual([]);
      // Only its own versions, first the old one, then the new one.
      const versions = [...new Set(mine.map((p) => p.version?.split('/')[1]))];
      expect(versions).toEqual([commit(service.id, 1), commit(service.id, 2)]);
    }

    // The autoscaled service's policy tracks its own live target group; the other service has no scalable target.
    const aas = new ApplicationAutoScalingClient(localClientConfig(local.aws.endpoint, LOCAL_REGION));
    try {
      for (const service of TWO_SERVICES) {
        const resourceId = `service/${byPrefix(service.id).input.cluster}/${service.serviceName}`;
        const policies = await aas.send(
          new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }),
        );
        const labels = (policies.ScalingPolicies ?? []).map(
          (p) => p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.ResourceLabel,
        );
        if (service.autoScaling === undefined) {
          expect(labels).toEqual([]);
          continue;
        }
        const live = local.aws.ecs
          .services()
          .find((s) => s.name === service.serviceName)
          ?.taskSets.map((ts) => ts.targetGroupArns[0]?.split(':').slice(5).join(':'));
        expect(live).toHaveLength(1);
        expect(labels).toEqual([expect.stringMatching(new RegExp(`/${live?.[0] ?? 'none'}$`))]);
      }
    } finally {
      aas.destroy();
    }

    // The CLI acts on one service of the stack: the one --service names; without it, a stack of two is a usage error.
    const cli = (...args: string[]) =>
      runInProcess(['--local', '--endpoint-url', local.aws.endpoint, '--stack', 'TwoServices', ...args]);
    const ambiguous = await cli('status');
    expect(ambiguous.code).toBe(EXIT.usage);
    expect(ambiguous.stderr).toMatch(/2 services \((web, api|api, web)\): pass --service NAME/);
    expect((await cli('--service', 'nope', 'status')).code).toBe(EXIT.usage);
    for (const service of TWO_SERVICES) {
      const status = await cli('--service', service.serviceName, '--json', 'status');
      expect(status.code).toBe(EXIT.ok);
      const other = TWO_SERVICES.find((s) => s !== service)!;
      expect(status.stdout).toContain(commit(service.id, 2));
      expect(status.stdout).not.toContain(commit(other.id, 2));
    }
  } finally {
    await local.close();
  }
}, 240_000);
