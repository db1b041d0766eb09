/**
 * Custom::BlueGreenTeardown: nothing on create or update. On delete (the last resource of the stack to go, since the
 * listeners, the controller's rules and the service depend on it) it deletes the target groups the state machines
 * created for this stack's service, which CloudFormation does not know: the live version's, and any an interrupted
 * deployment left. Only groups whose name has the service's prefix and whose ownership tags name this stack and
 * service are deleted. Then it deletes the green watch's built-in alarms (`AlarmNames`), which its function created.
 */
import { DeleteAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DeleteTargetGroupCommand,
  DescribeTagsCommand,
  paginateDescribeTargetGroups,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ResourceResult } from './events';
import { isOwnedBy } from './ownership';
import type { TeardownProperties } from './properties';

export function teardownId(props: TeardownProperties): ResourceResult {
  return { physicalResourceId: `${props.StackName}/${props.ServiceName}/teardown` };
}

/** DescribeTags takes at most 20 ARNs per call. */
const TAG_BATCH = 20;

export async function deleteOwnedTargetGroups(
  elbv2: ElasticLoadBalancingV2Client,
  props: TeardownProperties,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<string[]> {
  const candidates: string[] = [];
  for await (const page of paginateDescribeTargetGroups({ client: elbv2 }, {})) {
    for (const group of page.TargetGroups ?? []) {
      if (group.TargetGroupArn && group.TargetGroupName?.startsWith(props.TargetGroupNamePrefix)) {
        candidates.push(group.TargetGroupArn);
      }
    }
  }
  const owned: string[] = [];
  for (let i = 0; i < candidates.length; i += TAG_BATCH) {
    const { TagDescriptions } = await elbv2.send(
      new DescribeTagsCommand({ ResourceArns: candidates.slice(i, i + TAG_BATCH) }),
    );
    for (const description of TagDescriptions ?? []) {
      if (description.ResourceArn && isOwnedBy(description.Tags, props)) owned.push(description.ResourceArn);
    }
  }
  for (const arn of owned) await deleteWhenFree(elbv2, arn, sleep);
  return owned;
}

/** ELBv2 refuses to delete a group a rule still uses for a moment after the rule is gone: retried for ~1 minute. */
async function deleteWhenFree(
  elbv2: ElasticLoadBalancingV2Client,
  arn: string,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
      return;
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException' || attempt >= 8) throw error;
      await sleep(1000 * attempt);
    }
  }
}

/**
 * Deletes the green watch's built-in alarms. DeleteAlarms deletes the existing ones even when some name is unknown
 * (a stack that never swapped has none) and then answers ResourceNotFound, which is not an error here.
 */
export async function deleteOwnedAlarms(cloudwatch: CloudWatchClient, props: TeardownProperties): Promise<void> {
  const names = props.AlarmNames ?? [];
  if (names.length === 0) return;
  try {
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: names }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFound' && (error as Error).name !== 'ResourceNotFoundException') {
      throw error;
    }
  }
}
