import { type AwsEmulators, startAwsEmulators } from "@tasklane/test-support";
import { afterAll, beforeAll } from "vitest";

/**
 * The emulators of one test file: started before its first test, stopped after its last. The
 * value stands for them from the start; read it in hooks and tests only.
 */
export function fileEmulators(): AwsEmulators {
  let started: AwsEmulators | undefined;
  beforeAll(async () => {
    started = await startAwsEmulators();
  });
  afterAll(() => started?.stop());
  return new Proxy({} as AwsEmulators, {
    get(_, key) {
      if (!started) throw new Error("the emulators are read before they started (beforeAll)");
      return Reflect.get(started, key);
    },
  });
}
