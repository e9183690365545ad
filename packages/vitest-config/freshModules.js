// A setup file: vitest runs it before each test file. With `isolate: false` the worker keeps
// every module it has loaded; this makes it load the repository's own modules (transformed by
// Vite) again for the next file, while packages from node_modules, which Node loads itself, stay.
import { vi } from "vitest";

vi.resetModules();
