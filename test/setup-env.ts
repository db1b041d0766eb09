// Tests never reach AWS: make sure no ambient profile or credentials leak into the SDK clients.
process.env.AWS_REGION ??= 'us-east-1';
delete process.env.AWS_PROFILE;
