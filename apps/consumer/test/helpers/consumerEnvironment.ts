import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { FUNCTION_ENV } from "@tasklane/stack-config";
import { type AwsEmulators, type EmulatorOptions, startAwsEmulators } from "@tasklane/test-support";

/**
 * fauxqs, Step Functions and the environment the Pulumi program gives the consumer's functions.
 * Import handler modules only after this: they read the environment when loaded.
 */
export async function startConsumerEnvironment(options: EmulatorOptions = {}) {
  const aws = await startAwsEmulators(options);
  Object.assign(process.env, {
    [FUNCTION_ENV.resultsBucket]: aws.buckets.results,
    [FUNCTION_ENV.payloadsBucket]: aws.buckets.payloads,
    [FUNCTION_ENV.stateMachineArn]: aws.stepFunctions.stateMachineArn,
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  });
  return aws;
}

export async function readJsonObject(
  aws: AwsEmulators,
  bucket: string,
  key: string,
): Promise<unknown> {
  const out = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? "null");
}

export async function writeJsonObject(
  aws: AwsEmulators,
  bucket: string,
  key: string,
  value: unknown,
) {
  await aws.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value) }),
  );
}

export { lambdaContext } from "@tasklane/test-support";
