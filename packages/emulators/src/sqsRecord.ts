import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from "aws-lambda";

/** The queue a record came from, as Lambda names it in every record. */
export interface RecordSource {
  queueArn: string;
  region: string;
}

/**
 * One record of the SQS event Lambda builds from a received message: body and ids as received,
 * system attributes as strings, message attributes in the event's camel-case shape with binary
 * values in base64, and the queue's ARN and region.
 */
export function toSqsRecord(message: Message, source: RecordSource): SQSRecord {
  const attributes = Object.fromEntries(
    Object.entries(message.Attributes ?? {}).filter(([, value]) => value !== undefined),
  ) as unknown as SQSRecordAttributes;
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toRecordAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes
      ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
      : {}),
    eventSource: "aws:sqs",
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
}

function toRecordAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: (value.DataType ?? "String") as SQSMessageAttribute["dataType"],
  };
}
