/**
 * The region in an SQS queue URL: `https://sqs.eu-west-1.amazonaws.com/...`, the legacy
 * `https://eu-west-1.queue.amazonaws.com/...`, or a local emulator's `http://sqs.us-east-1.localhost:4566/...`.
 */
export function regionOfQueueUrl(queueUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(queueUrl).hostname;
  } catch {
    return undefined;
  }
  return (
    /^sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(host)?.[1] ??
    /^([a-z]{2}(?:-[a-z]+)+-\d+)\.queue\.amazonaws\.com$/.exec(host)?.[1]
  );
}

/** True for an API Gateway default endpoint: `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
export function isExecuteApiUrl(url: URL): boolean {
  return (
    url.protocol === "https:" &&
    /\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.test(url.hostname)
  );
}

/** True for a host on this machine: `localhost`, `*.localhost`, `127.0.0.1`, `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname) ||
    hostname === "[::1]" ||
    hostname === "::1"
  );
}
