/**
 * The local stand-in for the stack's three CodeBuild stages (pipeline/build-projects.ts, demo-app/buildspec-*.yml):
 * BuildImage pushes REPOSITORY_URI:COMMIT, and PrepareDeployInput writes deploy-input.json, the deploy-green input
 * for that image. Locally the file names the image itself (deploy-green registers the task definition revision) where
 * the real build registers the revision first and passes its ARN; both are inputs deploy-green documents.
 */
import type { LocalBuild } from './model';

export const DEPLOY_INPUT_FILE = 'deploy-input.json';

export function deployInputBuild(target: {
  readonly cluster: string;
  readonly service: string;
  readonly imageRepositoryUri: string;
}): LocalBuild {
  return (file, source) =>
    file.path === DEPLOY_INPUT_FILE
      ? JSON.stringify({
          cluster: target.cluster,
          service: target.service,
          image: source.image ?? `${target.imageRepositoryUri}:${source.commit}`,
          commit: source.commit,
        })
      : undefined;
}
