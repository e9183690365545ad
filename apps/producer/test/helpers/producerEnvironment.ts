import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { FUNCTION_ENV } from "@tasklane/stack-config";
import { type AwsEmulators, type EmulatorOptions, startAwsEmulators } from "@tasklane/test-support";

/**
 * fauxqs with the queue and buckets, Step Functions, and the environment the Pulumi program
 * gives the producer's functions. Import handler modules only after this: they read the
 * environment when loaded.
 */
export async function startProducerEnvironment(
  options: EmulatorOptions & { maxBodyBytes?: number; inlineInputMaxBytes?: number } = {},
) {
  const aws = await startAwsEmulators(options);
  Object.assign(process.env, {
    [FUNCTION_ENV.resultsBucket]: aws.buckets.results,
    [FUNCTION_ENV.payloadsBucket]: aws.buckets.payloads,
    [FUNCTION_ENV.queueUrl]: aws.queueUrl,
    [FUNCTION_ENV.stateMachineArn]: aws.stepFunctions.stateMachineArn,
    [FUNCTION_ENV.maxBodyBytes]: String(options.maxBodyBytes ?? 1_048_576),
    [FUNCTION_ENV.inlineInputMaxBytes]: String(options.inlineInputMaxBytes ?? 65_536),
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  });
  return aws;
}

/** How many messages the tasks queue holds, visible or not. */
export async function queueDepth(aws: AwsEmulators): Promise<number> {
  const out = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** Receives (and so hides) up to ten messages, returning their parsed bodies and attributes. */
export async function receiveAll(aws: AwsEmulators, queueUrl = aws.queueUrl) {
  const out = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  return (out.Messages ?? []).map((m) => ({
    body: JSON.parse(m.Body ?? "null"),
    attributes: m.Attributes ?? {},
  }));
}

/** Every key in a bucket. */
export async function keysIn(aws: AwsEmulators, bucket: string): Promise<string[]> {
  const out = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? "");
}
