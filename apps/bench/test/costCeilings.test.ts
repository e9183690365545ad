import { describe, expect, it } from "vitest";
import { type CeilingInputs, throughputCeilings } from "../src/cost/throughputCeilings.js";

/** Prod's settings and an echo task as measured on Standard. */
const prodOnStandard: CeilingInputs = {
  apiRateLimit: 200,
  tasksPerRequest: 1,
  consumerMaximumConcurrency: 50,
  consumerBatchSize: 10,
  consumerInvocationSeconds: 0.25,
  consumerMessagesPerInvocation: 8.5,
  workflow: "STANDARD",
  standardTransitionsPerTask: 4,
  lambdaSecondsPerTask: 0.4,
  tableWriteUnitsPerTask: 4,
  hottestIndex: { name: "byOwner", writeUnitsPerTask: 3, partitions: 8 },
};

describe("throughput ceilings", () => {
  it("computes each ceiling from the config, the quotas and the measured task", () => {
    // Act
    const { ceilings } = throughputCeilings(prodOnStandard);
    const rate = (limit: string) => ceilings.find((c) => c.limit === limit)?.tasksPerSecond;

    // Assess
    expect(rate("API Gateway route throttle")).toBe(200);
    expect(rate("API Gateway account quota")).toBe(10_000);
    expect(rate("SQS event source mapping")).toBe(2_000);
    expect(rate("StartExecution, Standard")).toBe(300);
    expect(rate("State transitions, Standard")).toBe(375);
    expect(rate("Lambda concurrency")).toBe(2_500);
    expect(rate("DynamoDB table writes")).toBe(10_000);
    expect(rate("DynamoDB index byOwner partitions")).toBeCloseTo(8_000 / 3, 6);
  });

  it("names the API's route throttle as binding, and Standard's StartExecution past it", () => {
    const { binding, pastApi } = throughputCeilings(prodOnStandard);

    expect(binding.limit).toBe("API Gateway route throttle");
    expect(binding.raise).toContain("tasklane:api.throttle.rateLimit");
    expect(pastApi.limit).toBe("StartExecution, Standard");
    expect(pastApi.raise).toContain("Service Quotas");
  });

  it("leaves Standard's quotas out for a task that runs on Express", () => {
    // Act
    const result = throughputCeilings({
      ...prodOnStandard,
      workflow: "EXPRESS",
      standardTransitionsPerTask: 0,
      tasksPerRequest: 100,
    });

    // Assess
    const standard = result.ceilings.filter((c) => c.limit.includes("Standard"));
    expect(standard.every((c) => !c.applies)).toBe(true);
    expect(result.binding.limit).toBe("SQS event source mapping");
    expect(result.binding.raise).toContain("tasklane:consumer.maximumConcurrency");
  });

  it("states the arithmetic of each ceiling", () => {
    const esm = throughputCeilings(prodOnStandard).ceilings.find(
      (c) => c.limit === "SQS event source mapping",
    );

    expect(esm?.basis).toBe(
      "consumer.maximumConcurrency 50 × batchSize 10 ÷ 250 ms per invocation (measured at 8.50 messages a batch)",
    );
  });
});
