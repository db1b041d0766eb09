/** Generic validation against the SDK-shipped schemas of ECS, SFN and ELBv2. */
import fc from 'fast-check';
import { schemaForService } from '../../../../local/aws/validation/service-schemas';
import { validateInput, validationMessage } from '../../../../local/aws/validation/validate';
import { decodeQueryBody } from '../../../../local/aws/protocols/query-request';

function check(serviceId: string, operation: string, input: unknown, wire: 'json' | 'query') {
  const schema = schemaForService(serviceId);
  const op = schema?.operation(operation);
  if (!schema || !op) throw new Error(`no schema for ${serviceId}.${operation}`);
  return validateInput(op.input, input, { wire, enums: schema.enums });
}

describe('JSON inputs', () => {
  it('accepts a valid ECS CreateTaskSet and keeps its values', () => {
    const input = {
      cluster: 'main',
      service: 'web',
      taskDefinition: 'web:1',
      launchType: 'FARGATE',
      scale: { value: 100, unit: 'PERCENT' },
      loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'web', containerPort: 8080 }],
    };
    const result = check('ECS', 'CreateTaskSet', input, 'json');
    expect(result.issues).toEqual([]);
    expect(result.value).toEqual(input);
  });

  it('reports missing required members, unknown members, wrong types and bad enums with AWS paths', () => {
    const result = check(
      'ECS',
      'CreateTaskSet',
      { cluster: 'main', service: 'web', launchType: 'MOON', loadBalancers: [{ containerPort: 'x' }], Service: 'web' },
      'json',
    );
    expect(result.issues.map((i) => [i.kind, i.path])).toEqual([
      ['missing', 'taskDefinition'],
      ['type', 'loadBalancers.1.member.containerPort'],
      ['enum', 'launchType'],
      ['unknown', 'Service'],
    ]);
    expect(validationMessage(result.issues.slice(0, 1))).toBe(
      "1 validation error detected: Value null at 'taskDefinition' failed to satisfy constraint: Member must not be null",
    );
  });

  it('validates SFN inputs too (StartExecution needs stateMachineArn)', () => {
    expect(check('SFN', 'StartExecution', { input: '{}' }, 'json').issues.map((i) => i.path)).toEqual([
      'stateMachineArn',
    ]);
    expect(check('SFN', 'StartExecution', { stateMachineArn: 'arn:sm', input: '{}' }, 'json').issues).toEqual([]);
  });

  it('treats null as absent for optional members', () => {
    expect(check('SFN', 'StartExecution', { stateMachineArn: 'arn:sm', name: null }, 'json').issues).toEqual([]);
  });
});

describe('query inputs', () => {
  it('turns member.N lists, nested structures, numbers and booleans into typed values', () => {
    const body =
      'Action=CreateRule&Version=2015-12-01&ListenerArn=arn%3Al&Priority=7' +
      '&Conditions.member.1.Field=path-pattern&Conditions.member.1.PathPatternConfig.Values.member.1=%2Fa%2F*' +
      '&Actions.member.1.Type=forward&Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=arn%3Ag' +
      '&Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=10' +
      '&Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=arn%3Ab' +
      '&Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=90' +
      '&Actions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled=false&Tags=';
    const request = decodeQueryBody(body);
    expect([request.action, request.version]).toEqual(['CreateRule', '2015-12-01']);
    const result = check('Elastic Load Balancing v2', 'CreateRule', request.params, 'query');
    expect(result.issues).toEqual([]);
    expect(result.value).toEqual({
      ListenerArn: 'arn:l',
      Priority: 7,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/a/*'] } }],
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: 'arn:b', Weight: 90 },
              { TargetGroupArn: 'arn:g', Weight: 10 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ],
      Tags: [],
    });
  });

  it('rejects non-numeric numbers, gaps in member numbering and bad enums', () => {
    const { params } = decodeQueryBody(
      'TargetGroupArn=arn&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=eighty&Targets.member.3.Id=x',
    );
    expect(check('Elastic Load Balancing v2', 'RegisterTargets', params, 'query').issues.map((i) => i.kind)).toEqual([
      'type',
    ]);
    const { params: badEnum } = decodeQueryBody('Name=tg&Protocol=FTP&TargetType=ip');
    const issues = check('Elastic Load Balancing v2', 'CreateTargetGroup', badEnum, 'query').issues;
    expect(issues.map((i) => [i.kind, i.path])).toEqual([['enum', 'protocol']]);
  });

  it('round-trips any port number written as query text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        const { params } = decodeQueryBody(`Name=tg&Port=${port}`);
        const result = check('Elastic Load Balancing v2', 'CreateTargetGroup', params, 'query');
        return result.issues.length === 0 && result.value['Port'] === port;
      }),
    );
  });
});
