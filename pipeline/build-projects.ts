import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface BuildProjectsProps {
  readonly imageRepository: ecr.IRepository;
  /** Settings the prepare step writes into the deploy-green input. */
  readonly deployTarget: {
    readonly clusterName: string;
    readonly serviceName: string;
    readonly serviceArn: string;
    readonly taskDefinitionFamily: string;
    readonly containerName: string;
    /** Roles the task definition names; registering a revision passes them to ECS. */
    readonly taskRoleArns: readonly string[];
  };
  /**
   * Retention of the build logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The three CodeBuild projects of the pipeline. Their buildspecs live in the app repository (demo-app/), as in any
 * app a platform team onboards; these projects only provide the environment each step needs.
 */
export class BuildProjects extends Construct {
  public readonly buildApp: codebuild.PipelineProject;
  public readonly buildImage: codebuild.PipelineProject;
  public readonly prepareDeployInput: codebuild.PipelineProject;

  constructor(scope: Construct, id: string, props: BuildProjectsProps) {
    super(scope, id);
    const project = (projectId: string, buildspec: string, extra: Partial<codebuild.PipelineProjectProps> = {}) => {
      const logGroup = new logs.LogGroup(this, `${projectId}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      });
      return new codebuild.PipelineProject(this, projectId, {
        buildSpec: codebuild.BuildSpec.fromSourceFilename(buildspec),
        environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, ...extra.environment },
        logging: { cloudWatch: { logGroup } },
        ...extra,
      });
    };

    this.buildApp = project('BuildApp', 'buildspec-app.yml');
    this.buildImage = project('BuildImage', 'buildspec-image.yml', {
      // Docker builds need a privileged build container.
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, privileged: true },
      environmentVariables: { REPOSITORY_URI: { value: props.imageRepository.repositoryUri } },
    });
    props.imageRepository.grantPullPush(this.buildImage);
    // A commit released again reuses its image (immutable tags): the build looks it up first.
    props.imageRepository.grant(this.buildImage, 'ecr:DescribeImages');

    this.prepareDeployInput = project('PrepareDeployInput', 'buildspec-prepare.yml', {
      environmentVariables: {
        CLUSTER_NAME: { value: props.deployTarget.clusterName },
        SERVICE_NAME: { value: props.deployTarget.serviceName },
        TASK_DEFINITION_FAMILY: { value: props.deployTarget.taskDefinitionFamily },
        CONTAINER_NAME: { value: props.deployTarget.containerName },
      },
    });
    // Exactly what demo-app/ci/prepare-deploy-input.js calls.
    this.prepareDeployInput.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [props.deployTarget.serviceArn] }),
    );
    this.prepareDeployInput.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
        resources: ['*'],
      }),
    );
    this.prepareDeployInput.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [...props.deployTarget.taskRoleArns],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
  }
}
