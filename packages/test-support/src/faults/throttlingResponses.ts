import { randomUUID } from "node:crypto";

/** An HTTP response as the SDK's HTTP handler hands it to the deserializer. */
export interface RawResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

function json(
  statusCode: number,
  type: string,
  message: string,
  extra: Record<string, string> = {},
) {
  return {
    statusCode,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": randomUUID(),
      "x-amzn-errortype": type.split("#").at(-1) as string,
      ...extra,
    },
    body: new TextEncoder().encode(JSON.stringify({ __type: type, message })),
  };
}

/**
 * What each service answers when it throttles a request, on the wire: the SDK deserializes it
 * into exactly the error an application meets on AWS (class, `$fault`, `$metadata`), so code
 * that classifies errors is tested against the real shapes rather than hand-made ones.
 */
export function throttlingResponse(service: string): RawResponse {
  switch (service) {
    case "DynamoDB":
      return json(
        400,
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
      );
    case "SQS":
      // SQS speaks JSON with the query protocol's error code in a header of its own.
      return json(403, "com.amazonaws.sqs#RequestThrottled", "Request is throttled.", {
        "x-amzn-query-error": "RequestThrottled;Sender",
      });
    case "S3":
      return {
        statusCode: 503,
        headers: { "content-type": "application/xml", "x-amz-request-id": randomUUID() },
        body: new TextEncoder().encode(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>' +
            "<Message>Please reduce your request rate.</Message></Error>",
        ),
      };
    default:
      return json(400, "ThrottlingException", "Rate exceeded");
  }
}
