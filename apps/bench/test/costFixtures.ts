// The DynamoDB requests of one echo task, as the local runtime's handlers made them (captured
// with the cost benchmark's request counter): ingest's put and mark-sent, the consumer's
// strongly consistent read, CreateTask's claim and TaskCompleted's completion.

const TABLE_NAME = "tasklane-dev-tasks";
const TASK_ID = "01a2338b-d647-753f-8544-ab1cd77a164c";

/** A request on the task's item, by its key, that succeeded and answered `responseBytes`. */
function onTheTask<Body extends object>(action: string, responseBytes: number, body: Body) {
  return {
    action,
    statusCode: 200,
    responseBytes,
    body: { TableName: TABLE_NAME, Key: { id: { S: TASK_ID } }, ...body },
  };
}

export const put = {
  action: "PutItem",
  statusCode: 200,
  responseBytes: 2,
  body: {
    TableName: TABLE_NAME,
    Item: {
      id: {
        S: TASK_ID,
      },
      type: {
        S: "echo",
      },
      owner: {
        S: "arn:aws:iam::000000000000:user/tasklane-local",
      },
      input: {
        S: '{"kind":"inline","value":{"n":1}}',
      },
      fingerprint: {
        S: "227a23101744ad97d9400cb63624925605964bdba0c36d7e2681184e0a42f22e",
      },
      correlationId: {
        S: "zOYDZ2x3ElvnYg==",
      },
      createdAt: {
        S: "2026-12-01T21:38:52.105Z",
      },
      status: {
        S: "queued",
      },
      generation: {
        N: "1",
      },
      updatedAt: {
        S: "2026-12-01T21:38:52.105Z",
      },
      attempts: {
        N: "0",
      },
      generationAttempts: {
        N: "0",
      },
      unsentSince: {
        S: "2026-12-01T21:38:52.105Z",
      },
      sendToken: {
        S: "cdd0bb0f-b7ac-42ff-b5c4-9009d61097ed",
      },
      timeline: {
        L: [
          {
            M: {
              at: {
                S: "2026-12-01T21:38:52.105Z",
              },
              generation: {
                N: "1",
              },
              event: {
                S: "queued",
              },
            },
          },
        ],
      },
      listKey: {
        S: "2026-12-01T21:38:52.105Z#01a2338b-d647-753f-8544-ab1cd77a164c",
      },
      ownerShard: {
        S: "arn:aws:iam::000000000000:user/tasklane-local#4",
      },
      dayShard: {
        S: "2026-12-01#4",
      },
      unsentShard: {
        S: "4",
      },
    },
    ConditionExpression: "attribute_not_exists(id)",
  },
};

export const markSent = onTheTask("UpdateItem", 2, {
  UpdateExpression: "SET sentAt = :at REMOVE unsentSince, unsentShard, sendToken",
  ConditionExpression: "#generation = :generation AND unsentSince = :unsentSince",
  ExpressionAttributeNames: {
    "#generation": "generation",
  },
  ExpressionAttributeValues: {
    ":at": {
      S: "2026-12-01T21:38:52.145Z",
    },
    ":generation": {
      N: "1",
    },
    ":unsentSince": {
      S: "2026-12-01T21:38:52.105Z",
    },
  },
});

export const consumerRead = onTheTask("GetItem", 851, {
  ConsistentRead: true,
});

export const claim = onTheTask("UpdateItem", 1106, {
  ReturnValues: "ALL_NEW",
  UpdateExpression:
    "SET #status = :running, runId = :run, startedAt = if_not_exists(startedAt, :at), lastStartedAt = :at, updatedAt = :at, #timeline = list_append(#timeline, :event) REMOVE unsentSince, unsentShard, sendToken ADD attempts :one, generationAttempts :one",
  ConditionExpression:
    "#generation = :generation AND #status IN (:s0, :s1) AND (attribute_not_exists(runId) OR runId = :run)",
  ExpressionAttributeNames: {
    "#status": "status",
    "#generation": "generation",
    "#timeline": "timeline",
  },
  ExpressionAttributeValues: {
    ":running": {
      S: "running",
    },
    ":run": {
      S: "aba27a86-804b-4247-bcd3-6d78ff5119ca",
    },
    ":at": {
      S: "2026-12-01T21:38:52.242Z",
    },
    ":event": {
      L: [
        {
          M: {
            at: {
              S: "2026-12-01T21:38:52.242Z",
            },
            generation: {
              N: "1",
            },
            event: {
              S: "attempt-started",
            },
          },
        },
      ],
    },
    ":one": {
      N: "1",
    },
    ":generation": {
      N: "1",
    },
    ":s0": {
      S: "queued",
    },
    ":s1": {
      S: "running",
    },
  },
});

export const complete = onTheTask("UpdateItem", 2, {
  UpdateExpression:
    "SET #status = :succeeded, #output = :output, polls = :polls, finishedAt = :at, updatedAt = :at, listOutput = :output, #timeline = list_append(#timeline, :event) REMOVE lastError",
  ConditionExpression: "#generation = :generation AND #status = :running AND runId = :run",
  ExpressionAttributeNames: {
    "#generation": "generation",
    "#status": "status",
    "#timeline": "timeline",
    "#output": "output",
  },
  ExpressionAttributeValues: {
    ":generation": {
      N: "1",
    },
    ":running": {
      S: "running",
    },
    ":run": {
      S: "aba27a86-804b-4247-bcd3-6d78ff5119ca",
    },
    ":succeeded": {
      S: "succeeded",
    },
    ":output": {
      S: '{"kind":"inline","value":{"n":1}}',
    },
    ":polls": {
      N: "0",
    },
    ":at": {
      S: "2026-12-01T21:38:52.321Z",
    },
    ":event": {
      L: [
        {
          M: {
            at: {
              S: "2026-12-01T21:38:52.321Z",
            },
            generation: {
              N: "1",
            },
            event: {
              S: "succeeded",
            },
            polls: {
              N: "0",
            },
          },
        },
      ],
    },
  },
});
