import { describe, expect, it } from "vitest";
import {
  fieldOfProblemPath,
  formModel,
  inputFromFields,
  type JsonSchema,
  validateInput,
} from "../src/app/model/schemaForm.js";

// The schemas `GET /task-types` returns for the example tasks.
const FLAKY: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: { failures: { type: "integer", minimum: 0, maximum: 10 } },
  required: ["failures"],
};
const FAIL: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: { reason: { type: "string", maxLength: 5 } },
};
const ECHO: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  anyOf: [
    { type: "string" },
    { type: "number" },
    { type: "boolean" },
    { type: "null" },
    { type: "array", items: { $ref: "#" } },
    { type: "object", propertyNames: { type: "string" }, additionalProperties: { $ref: "#" } },
  ],
};

describe("formModel", () => {
  it("makes one field per property of an object schema, with its limits", () => {
    expect(formModel(FLAKY)).toEqual({
      mode: "fields",
      fields: [{ name: "failures", kind: "integer", required: true, minimum: 0, maximum: 10 }],
    });
  });

  it("asks for JSON when the schema is not an object of properties", () => {
    expect(formModel(ECHO)).toEqual({ mode: "json" });
  });
});

describe("inputFromFields", () => {
  it("reads numbers, leaves out empty optional fields, and reports what cannot be read", () => {
    const fields = [
      { name: "failures", kind: "integer" as const, required: true },
      { name: "reason", kind: "text" as const, required: false },
      { name: "extra", kind: "json" as const, required: false },
    ];

    expect(inputFromFields(fields, { failures: " 3 ", reason: "" })).toEqual({
      input: { failures: 3 },
      errors: [],
    });
    expect(inputFromFields(fields, { failures: "3", extra: "{nope" }).errors).toEqual([
      { field: "extra", message: expect.stringMatching(/^is not valid JSON/) },
    ]);
  });
});

describe("validateInput", () => {
  it.each([
    [FLAKY, {}, [{ field: "failures", message: "is required" }]],
    [FLAKY, { failures: 11 }, [{ field: "failures", message: "must be at most 10" }]],
    [FLAKY, { failures: -1 }, [{ field: "failures", message: "must be at least 0" }]],
    [FLAKY, { failures: 1.5 }, [{ field: "failures", message: "must be a whole number" }]],
    [FAIL, { reason: "too long" }, [{ field: "reason", message: "must be at most 5 characters" }]],
    [FLAKY, { failures: 2 }, []],
    [ECHO, { any: ["json", 1, null] }, []],
  ])("checks %j against %j as the API would", (schema, input, errors) => {
    expect(validateInput(schema, input)).toEqual(errors);
  });
});

describe("fieldOfProblemPath", () => {
  const fieldOfPath = {
    "input.failures": "failures",
    "input.options.depth": "options",
    "/input/failures": "failures",
    input: "",
    type: "type",
  };
  it.each(Object.entries(fieldOfPath))("maps the API's %s to the field %j", (path, field) => {
    expect(fieldOfProblemPath(path)).toBe(field);
  });
});
