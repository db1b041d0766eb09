/**
 * How CloudWatch's AWS/ApplicationELB metrics (and Application Auto Scaling's ALBRequestCountPerTarget resource label)
 * name a load balancer and a target group: the ARN's resource part, stated once here for the green-watch alarms
 * (lambdas/green-watch) and `bluegreen status` (cli/status-model.ts).
 */

/** `targetgroup/NAME/ID`, the TargetGroup dimension, from a target group's ARN. */
export function targetGroupDimension(targetGroupArn: string): string {
  return targetGroupArn.split(':').slice(5).join(':');
}

/** `app/NAME/ID`, the LoadBalancer dimension, from a load balancer's ARN. */
export function loadBalancerDimension(loadBalancerArn: string): string {
  return loadBalancerArn
    .split(':')
    .slice(5)
    .join(':')
    .replace(/^loadbalancer\//, '');
}
