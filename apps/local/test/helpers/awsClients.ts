import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";

export const REGION = "us-east-1";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** An SQS client of a fauxqs server, configured explicitly (tests leave process.env alone). */
export function sqsClient(fauxqsPort: number): SQSClient {
  return new SQSClient({
    region: REGION,
    endpoint: `http://sqs.${REGION}.localhost:${fauxqsPort}`,
    credentials,
  });
}

/** An S3 client of a fauxqs server, path-style so it needs no DNS interception. */
export function s3Client(fauxqsPort: number): S3Client {
  return new S3Client({
    region: REGION,
    endpoint: `http://127.0.0.1:${fauxqsPort}`,
    forcePathStyle: true,
    credentials,
  });
}

/** A DynamoDB client of a dynalite endpoint. */
export function dynamodbClient(url: string): DynamoDBClient {
  return new DynamoDBClient({ region: REGION, endpoint: url, credentials });
}

/** A Step Functions client of a local endpoint; one attempt, so errors surface as they are. */
export function sfnClient(url: string, maxAttempts = 1): SFNClient {
  return new SFNClient({ region: REGION, endpoint: url, credentials, maxAttempts });
}
