/** SDK client settings for local AWS: its endpoint, a fixed region and throwaway static credentials. */
export function localClientConfig(endpoint: string, region: string, accessKeyId = 'local') {
  return {
    endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}
