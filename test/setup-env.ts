// Tests never reach AWS: make sure no ambient profile or credentials leak into the SDK clients.
process.env.AWS_REGION ??= 'us-east-1';
delete process.env.AWS_PROFILE;
// The AWS SDK's NodeVersionSupportWarning (SDK versions after early January 2027 need Node >= 22) is stated once in the
// README ("Requirements"); printed by every jest worker and child process it was most of the suite's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
