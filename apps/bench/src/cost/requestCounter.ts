import type { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { TakeList } from "./takeList.js";

/** The AWS services the pipeline calls, as billed. */
export type AwsService = "DynamoDB" | "SQS" | "S3" | "StepFunctions" | "other";

/** What an HTTP request shows of the AWS call it carries. */
export interface AwsRequestLine {
  method: string;
  /** The `Host` the SDK addressed (virtual-hosted S3 puts the bucket in it). */
  host: string;
  /** Path and query string. */
  path: string;
  /** `X-Amz-Target` of the JSON protocols (DynamoDB, SQS, Step Functions). */
  target?: string | undefined;
  /** S3 `x-amz-copy-source`: a PUT that copies. */
  copySource?: boolean | undefined;
  /** The start of a form-encoded body: SQS's query protocol names its action there. */
  formBody?: string | undefined;
}

export interface AwsOperation {
  service: AwsService;
  action: string;
}

const TARGET_SERVICES: ReadonlyArray<[prefix: RegExp, service: AwsService]> = [
  [/^DynamoDB_\d{8}\.(\w+)$/, "DynamoDB"],
  [/^AmazonSQS\.(\w+)$/, "SQS"],
  [/^AWSStepFunctions\.(\w+)$/, "StepFunctions"],
];

/**
 * The service and API action of a request as the SDK sends it: the JSON protocols name it in
 * `X-Amz-Target`, SQS's older query protocol in the body's `Action`, and S3 by method, path and
 * query (virtual-hosted or path-style).
 *
 * @example
 * classifyAwsRequest({ method: "POST", host: "127.0.0.1", path: "/", target: "DynamoDB_20120810.PutItem" })
 * // { service: "DynamoDB", action: "PutItem" }
 */
export function classifyAwsRequest(request: AwsRequestLine): AwsOperation {
  if (request.target) {
    for (const [pattern, service] of TARGET_SERVICES) {
      const match = pattern.exec(request.target);
      if (match?.[1]) return { service, action: match[1] };
    }
    return { service: "other", action: request.target };
  }
  const hostName = request.host.split(":")[0]?.toLowerCase() ?? "";
  const formAction = /(?:^|&)Action=(\w+)/.exec(request.formBody ?? "")?.[1];
  if (formAction && /(^|\.)sqs[.-]/.test(hostName)) return { service: "SQS", action: formAction };
  const s3Host = /^(?:(.+)\.)?s3(?:[.-][a-z0-9-]+)*\.(?:localhost|amazonaws\.com)$/.exec(hostName);
  if (s3Host || hostName === "s3.localhost") {
    return { service: "S3", action: s3Action(request, s3Host?.[1]) };
  }
  return { service: "other", action: `${request.method} ${hostName}` };
}

/** S3's action, from the method, whether a key is addressed, and the sub-resource asked for. */
function s3Action(request: AwsRequestLine, virtualBucket: string | undefined): string {
  const [rawPath = "/", query = ""] = request.path.split("?", 2);
  const segments = rawPath.split("/").filter((s) => s !== "");
  // Virtual-hosted: the whole path is the key. Path-style: the first segment is the bucket.
  const hasKey = virtualBucket ? segments.length > 0 : segments.length > 1;
  const params = new URLSearchParams(query);
  const method = request.method.toUpperCase();
  if (hasKey) {
    if (method === "PUT") {
      if (params.has("partNumber")) return "UploadPart";
      return request.copySource ? "CopyObject" : "PutObject";
    }
    if (method === "GET") return "GetObject";
    if (method === "HEAD") return "HeadObject";
    if (method === "DELETE")
      return params.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    if (method === "POST") {
      if (params.has("uploads")) return "CreateMultipartUpload";
      if (params.has("uploadId")) return "CompleteMultipartUpload";
    }
    return `${method} object`;
  }
  if (method === "GET") return params.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
  if (method === "POST" && params.has("delete")) return "DeleteObjects";
  if (method === "PUT") return "CreateBucket";
  if (method === "HEAD") return "HeadBucket";
  if (method === "DELETE") return "DeleteBucket";
  return `${method} bucket`;
}

/** One AWS request the SDK made, as it was made. */
export interface CountedRequest<Caller> extends AwsOperation {
  /** Order of creation. */
  seq: number;
  /** The handler invocation that made it, or `undefined` for a request made outside every handler. */
  caller: Caller | undefined;
  requestBytes: number;
  /** `undefined` until an answer arrives (or when none came). */
  statusCode?: number;
  responseBytes?: number;
  /** The body, kept for DynamoDB (its write units depend on what is written). */
  body?: string;
  /** Ended: answered, failed or aborted. */
  done: boolean;
}

export interface RequestCounter<Caller> {
  /** Takes the requests counted since the last `take`, in the order they were made. */
  take(): CountedRequest<Caller>[];
  /** Requests made inside a handler and not ended yet. */
  readonly inFlightFromHandlers: number;
  /** Stops counting. */
  stop(): void;
}

/** Bodies of other services are only counted, and a form body only read as far as `Action`. */
const FORM_BODY_PREFIX_BYTES = 256;

/**
 * Counts every HTTP request made in this process through `node:http` (the AWS SDK v3's handler)
 * as it is made, through Node's `http.client.*` diagnostics channels: the handlers build their
 * own SDK clients, so no middleware can be added, and nothing here changes a request.
 * `context` tells which handler invocation a request was made in (undefined outside every
 * handler: the event source mapping's polls, the benchmark's own calls). `fetch` (undici) is
 * not seen.
 */
export function startRequestCounter<Caller>(
  context: AsyncLocalStorage<Caller>,
): RequestCounter<Caller> {
  let seq = 0;
  const counted = new TakeList<CountedRequest<Caller>>();
  let inFlightFromHandlers = 0;
  const byRequest = new WeakMap<ClientRequest, CountedRequest<Caller>>();

  const onCreated = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const caller = context.getStore();
    const header = (name: string) => {
      const value = request.getHeader(name);
      return value === undefined ? undefined : String(value);
    };
    const line: AwsRequestLine = {
      method: request.method,
      host: header("host") ?? request.host,
      path: request.path,
      target: header("x-amz-target"),
      copySource: header("x-amz-copy-source") !== undefined,
    };
    const operation = classifyAwsRequest(line);
    const record: CountedRequest<Caller> = {
      seq: ++seq,
      ...operation,
      caller,
      requestBytes: 0,
      done: false,
    };
    counted.push(record);
    byRequest.set(request, record);
    if (caller !== undefined) inFlightFromHandlers += 1;

    const isForm = !line.target && /form-urlencoded/i.test(header("content-type") ?? "");
    const keepBody = operation.service === "DynamoDB";
    const chunks: Buffer[] = [];
    const capture = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function") return;
      const buffer = Buffer.isBuffer(chunk)
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk)
          : Buffer.from(
              String(chunk),
              typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
            );
      record.requestBytes += buffer.byteLength;
      if (keepBody || (isForm && record.requestBytes <= FORM_BODY_PREFIX_BYTES))
        chunks.push(buffer);
    };
    const write = request.write.bind(request);
    const end = request.end.bind(request);
    request.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      capture(chunk, encoding);
      return write(chunk as never, encoding as never, callback as never);
    }) as typeof request.write;
    request.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
      capture(chunk, encoding);
      if (chunks.length > 0) {
        const text = Buffer.concat(chunks).toString("utf8");
        if (keepBody) record.body = text;
        if (isForm) Object.assign(record, classifyAwsRequest({ ...line, formBody: text }));
      }
      return end(chunk as never, encoding as never, callback as never);
    }) as typeof request.end;

    request.once("close", () => {
      if (record.done) return;
      record.done = true;
      if (caller !== undefined) inFlightFromHandlers -= 1;
    });
  };

  const onResponse = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const record = byRequest.get(request);
    if (!record) return;
    record.statusCode = response.statusCode ?? 0;
    const length = Number(response.headers["content-length"]);
    record.responseBytes = Number.isFinite(length) ? length : 0;
  };

  diagnosticsChannel.subscribe("http.client.request.created", onCreated);
  diagnosticsChannel.subscribe("http.client.response.finish", onResponse);
  return {
    take: () => counted.take(),
    get inFlightFromHandlers() {
      return inFlightFromHandlers;
    },
    stop() {
      diagnosticsChannel.unsubscribe("http.client.request.created", onCreated);
      diagnosticsChannel.unsubscribe("http.client.response.finish", onResponse);
    },
  };
}
