import { deployInputBuild } from '../../../local/codepipeline/local-build';

const build = deployInputBuild({
  cluster: 'cluster',
  service: 'demo-app',
  imageRepositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app',
});

test('deploy-input.json is the deploy-green input for the image BuildImage would push for the commit', () => {
  const file = { artifact: 'DeployInput', path: 'deploy-input.json' };
  expect(JSON.parse(build(file, { commit: '3f2c1ab' }) ?? '')).toEqual({
    cluster: 'cluster',
    service: 'demo-app',
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:3f2c1ab',
    commit: '3f2c1ab',
  });
  expect(JSON.parse(build(file, { commit: '3f2c1ab', image: 'local/demo-app:green' }) ?? '')).toMatchObject({
    image: 'local/demo-app:green',
  });
});

test('other files are not built', () => {
  expect(build({ artifact: 'Image', path: 'image.json' }, { commit: '3f2c1ab' })).toBeUndefined();
});
