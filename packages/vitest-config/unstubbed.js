// A setup file: vitest runs it before each test file. `unstubEnvs` puts stubbed variables back
// before each test, so the last test's stubs are still in place when a reused worker starts the
// next file; undone only at that file's first test, they would undo what its `beforeAll` set
// (a local runtime's credentials, for one). Each file starts with none, as in a fresh process.
import { vi } from "vitest";

vi.unstubAllEnvs();
vi.unstubAllGlobals();
