import type { SFNClient } from "@aws-sdk/client-sfn";
import { type StepFunctionsEndpoint, startStepFunctionsEndpoint } from "@tasklane/emulators";
import { LocalStepFunctions, type LocalStepFunctionsOptions } from "../../src/index.js";
import { sfnClient } from "./awsClients.js";

/** Local state machines behind one endpoint, and a client of it. */
export interface ServedStateMachines {
  endpoint: StepFunctionsEndpoint<LocalStepFunctions>;
  sfn: SFNClient;
  /** Destroys the client, stops every machine's executions, then the endpoint. */
  stop(): Promise<void>;
}

/** Serves one state machine per options, the first answering for ARNs no machine owns. */
export async function serveStateMachines(
  ...machines: LocalStepFunctionsOptions[]
): Promise<ServedStateMachines> {
  const endpoint = await startStepFunctionsEndpoint(
    machines.map((options) => new LocalStepFunctions(options)),
  );
  const sfn = sfnClient(endpoint.url);
  return {
    endpoint,
    sfn,
    async stop() {
      sfn.destroy();
      await Promise.all(endpoint.machines.map((m) => m.stop()));
      await endpoint.stop();
    },
  };
}
