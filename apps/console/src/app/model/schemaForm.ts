import { type OutputUnit, Validator } from "@cfworker/json-schema";

/** A JSON Schema, as `GET /task-types` returns the task types' (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

export type FieldKind = "text" | "integer" | "number" | "boolean" | "choice" | "json";

/** One input of the form: a property of the task's input object. */
export interface FormField {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  /** For `choice`: the values offered, as the schema's `enum` has them. */
  options?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

/**
 * The form for a schema: one field per property of an object schema, or, for any other
 * schema (a union, an array, a value), one JSON box for the whole input.
 */
export type FormModel = { mode: "fields"; fields: FormField[] } | { mode: "json" };

/** A problem with one field (`""` is the input as a whole). */
export interface FieldError {
  field: string;
  message: string;
}

export function formModel(schema: JsonSchema): FormModel {
  const properties = schema.properties;
  if (schema.type !== "object" || !isObject(properties)) return { mode: "json" };
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const fields = Object.entries(properties).map(([name, property]): FormField => {
    const p = isObject(property) ? property : {};
    const field: FormField = { name, kind: fieldKind(p), required: required.has(name) };
    if (typeof p.description === "string") field.description = p.description;
    if (Array.isArray(p.enum)) field.options = p.enum;
    if (typeof p.minimum === "number") field.minimum = p.minimum;
    if (typeof p.maximum === "number") field.maximum = p.maximum;
    if (typeof p.maxLength === "number") field.maxLength = p.maxLength;
    return field;
  });
  return { mode: "fields", fields };
}

function fieldKind(property: JsonSchema): FieldKind {
  if (Array.isArray(property.enum) && property.enum.length > 0) return "choice";
  switch (property.type) {
    case "string":
      return "text";
    case "integer":
      return "integer";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    default:
      return "json";
  }
}

/** What the form's inputs hold: text for most, a boolean for checkboxes. */
export type FieldValues = Record<string, string | boolean | undefined>;

/**
 * The task's input from the form's values: numbers and JSON parsed, empty optional fields
 * left out. A value that cannot be read (bad JSON, `1.5` for a whole number) is an error.
 */
export function inputFromFields(
  fields: readonly FormField[],
  values: FieldValues,
): { input: Record<string, unknown>; errors: FieldError[] } {
  const input: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === "boolean") {
      if (raw !== undefined || field.required) input[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") continue; // a missing required field is the schema's to report
    switch (field.kind) {
      case "text":
        input[field.name] = raw;
        break;
      case "integer":
      case "number": {
        const n = Number(text);
        if (!Number.isFinite(n)) errors.push({ field: field.name, message: "must be a number" });
        else input[field.name] = n;
        break;
      }
      case "choice": {
        const option = field.options?.find((o) => String(o) === text);
        input[field.name] = option ?? text;
        break;
      }
      case "json": {
        const parsed = parseJson(text);
        if ("error" in parsed) {
          errors.push({ field: field.name, message: `is not valid JSON: ${parsed.error}` });
        } else input[field.name] = parsed.value;
        break;
      }
    }
  }
  return { input, errors };
}

export function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Checks `input` against the task type's schema, as the API will, before anything is sent.
 * Each error names the field (the property at the top of the input) it is about.
 */
export function validateInput(schema: JsonSchema, input: unknown): FieldError[] {
  const result = new Validator(schema as never, "2020-12", false).validate(input);
  if (result.valid) return [];
  const byField = new Map<string, FieldError>();
  for (const unit of result.errors) {
    const error = describeUnit(unit, schema);
    if (!error) continue;
    // The first error of a field is the most specific one cfworker reports for it.
    if (!byField.has(error.field)) byField.set(error.field, error);
  }
  const errors = [...byField.values()];
  return errors.length > 0 ? errors : [{ field: "", message: "does not match the schema" }];
}

/** An output unit in words, or `undefined` for the wrappers that only say a child failed. */
function describeUnit(unit: OutputUnit, schema: JsonSchema): FieldError | undefined {
  const segments = unit.instanceLocation.replace(/^#\/?/, "").split("/").filter(Boolean);
  const field = decodePointer(segments[0] ?? "");
  const keyword = unit.keyword;
  if (keyword === "properties" || keyword === "allOf" || keyword === "$ref") return undefined;
  if (keyword === "required") {
    const missing = /"([^"]+)"/.exec(unit.error)?.[1];
    return { field: segments.length === 0 ? (missing ?? "") : field, message: "is required" };
  }
  const value = schemaValueAt(schema, unit.keywordLocation);
  const limit = typeof value === "number" ? String(value) : undefined;
  const messages: Record<string, string | undefined> = {
    minimum: limit && `must be at least ${limit}`,
    maximum: limit && `must be at most ${limit}`,
    exclusiveMinimum: limit && `must be more than ${limit}`,
    exclusiveMaximum: limit && `must be less than ${limit}`,
    maxLength: limit && `must be at most ${limit} characters`,
    minLength: limit && `must be at least ${limit} characters`,
    type: typeMessage(unit.error),
    enum: "must be one of the listed values",
    additionalProperties: "has a property the schema does not allow",
  };
  const message = messages[keyword] ?? lowerFirst(unit.error.replace(/\.$/, ""));
  return { field, message };
}

/** The value at a keyword location of the schema (`#/properties/failures/maximum`). */
function schemaValueAt(schema: JsonSchema, location: string): unknown {
  let at: unknown = schema;
  for (const segment of location.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    if (!isObject(at) && !Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[decodePointer(segment)];
  }
  return at;
}

function typeMessage(error: string): string {
  const expected = /Expected "([^"]+)"/.exec(error)?.[1];
  const words: Record<string, string> = {
    integer: "must be a whole number",
    number: "must be a number",
    string: "must be text",
    boolean: "must be true or false",
    object: "must be an object",
    array: "must be a list",
  };
  return (expected && words[expected]) ?? "has the wrong type";
}

/** The form field an API problem's `path` is about: `input.failures` → `failures`. */
export function fieldOfProblemPath(path: string): string {
  const normal = path.startsWith("/") ? path.slice(1).split("/").join(".") : path;
  if (normal === "type") return "type";
  if (normal === "input") return "";
  if (normal.startsWith("input.")) return normal.slice("input.".length).split(/[.[]/)[0] ?? "";
  if (normal.startsWith("input[")) return "";
  return normal;
}

function decodePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
