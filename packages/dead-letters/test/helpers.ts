import {
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SendMessageCommandInput,
} from "@aws-sdk/client-sqs";
import { type AwsEmulators, taskEnvelope } from "@tasklane/test-support";
import type { Clock } from "../src/index.js";

/** Sends `bodies` to the emulators' DLQ (or `queueUrl`) and returns their message ids. */
export async function sendToQueue(
  emulators: AwsEmulators,
  bodies: readonly string[],
  queueUrl = emulators.dlqUrl,
  extra: Partial<SendMessageCommandInput> = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (const body of bodies) {
    const out = await emulators.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...extra }),
    );
    ids.push(out.MessageId ?? "");
  }
  return ids;
}

/** The JSON body of a new echo task's envelope, and its task id. */
export function echoEnvelope(input: unknown): { id: string; body: string } {
  const envelope = taskEnvelope("echo", input as never);
  return { id: envelope.id, body: JSON.stringify(envelope) };
}

/** Receives everything a queue holds (and leaves it hidden for a minute). */
export async function receiveAll(emulators: AwsEmulators, queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const out = await emulators.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (!out.Messages?.length) return messages;
    messages.push(...out.Messages);
  }
}

/** A clock that stands still but for its sleeps, which it records and ends at once. */
export function fakeClock(start = 0): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}
