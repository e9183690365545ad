import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, call, errorText } from "../api.js";
import { Link } from "../components/Link.js";
import { Notice } from "../components/Notice.js";
import { Options } from "../components/Options.js";
import { plural } from "../format.js";
import {
  type FieldError,
  type FieldValues,
  type FormField,
  fieldOfProblemPath,
  formModel,
  inputFromFields,
  type JsonSchema,
  parseJson,
  validateInput,
} from "../model/schemaForm.js";
import type { AcceptedTask, TaskTypeDescription } from "../model/types.js";
import { navigate } from "../router.js";
import { useTaskTypes } from "../taskTypes.js";
import { PageTitle } from "./PageTitle.js";

type Result =
  | { kind: "accepted"; task: AcceptedTask; replayed: boolean }
  | { kind: "invalid"; title: string; detail?: string; errors: FieldError[] };

/** The id of a field's input: the JSON box is the input as a whole (`""`). */
const inputId = (field: string) => (field === "" ? "input-json" : `field-${field}`);

/** A form made from the type's input schema, checked before it is sent; the API's answer field by field. */
export function SubmitPage({ query }: { query: URLSearchParams }) {
  const { types, error: typesError } = useTaskTypes();
  const type = query.get("type") ?? types?.[0]?.type ?? "";
  const description = types?.find((t) => t.type === type);
  return (
    <>
      <PageTitle title="Submit a task" />
      {typesError !== undefined && (
        <Notice kind="error">Cannot read the task types: {errorText(typesError)}</Notice>
      )}
      {!types && typesError === undefined && <p aria-busy="true">Loading the task types…</p>}
      {types && (
        <>
          <p>
            <label for="task-type">Task type</label>
            <select
              id="task-type"
              value={type}
              onChange={(e) =>
                navigate(`/submit?type=${encodeURIComponent(e.currentTarget.value)}`, {
                  replace: true,
                })
              }
            >
              <Options choices={types.map((t) => t.type)} />
            </select>
          </p>
          {description && <TaskForm key={description.type} description={description} />}
        </>
      )}
    </>
  );
}

function TaskForm({ description }: { description: TaskTypeDescription }) {
  const model = formModel(description.inputSchema as JsonSchema);
  const [asJson, setAsJson] = useState(model.mode === "json");
  const [values, setValues] = useState<FieldValues>({});
  const [json, setJson] = useState(model.mode === "json" ? "" : "{}");
  const [idempotencyKey, setIdempotencyKey] = useState("");
  const [result, setResult] = useState<Result>();
  const [sending, setSending] = useState(false);
  const summary = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (result) summary.current?.focus();
  }, [result]);

  const fields = model.mode === "fields" ? model.fields : [];
  const errorOf = (field: string) =>
    result?.kind === "invalid" ? result.errors.find((e) => e.field === field) : undefined;

  const switchToJson = (on: boolean) => {
    if (on) setJson(JSON.stringify(inputFromFields(fields, values).input, null, 2));
    setAsJson(on);
    setResult(undefined);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    // Read and check the input as the API will, before anything is sent.
    let input: unknown;
    let errors: FieldError[];
    if (asJson) {
      const parsed = parseJson(json.trim() === "" ? "null" : json);
      if ("error" in parsed) {
        setResult({
          kind: "invalid",
          title: "The input is not JSON",
          errors: [{ field: "", message: `is not valid JSON: ${parsed.error}` }],
        });
        return;
      }
      input = parsed.value;
      errors = [];
    } else {
      const read = inputFromFields(fields, values);
      input = read.input;
      errors = read.errors;
    }
    errors = [
      ...errors,
      ...validateInput(description.inputSchema as JsonSchema, input).filter(
        (e) => !errors.some((x) => x.field === e.field),
      ),
    ];
    if (asJson)
      errors = errors.map((e) => ({
        field: "",
        message: e.field ? `\`${e.field}\` ${e.message}` : e.message,
      }));
    if (errors.length > 0) {
      setResult({
        kind: "invalid",
        title: "The input does not match the task type's schema",
        errors,
      });
      return;
    }
    setSending(true);
    try {
      const answer = await call<AcceptedTask>("POST", "/api/tasks", {
        body: { type: description.type, input },
        ...(idempotencyKey.trim() ? { headers: { "idempotency-key": idempotencyKey.trim() } } : {}),
      });
      setResult({
        kind: "accepted",
        task: answer.body,
        replayed: answer.headers.get("idempotent-replayed") === "true",
      });
    } catch (failure) {
      const problem = failure instanceof ApiError ? failure.problem : undefined;
      const known = new Set([
        ...(asJson ? [] : fields.map((f) => f.name)),
        "",
        "type",
        "idempotency-key",
      ]);
      const fieldErrors = (problem?.errors ?? []).map((e): FieldError => {
        const field = fieldOfProblemPath(e.path);
        return known.has(field)
          ? { field, message: e.message }
          : { field: "", message: `\`${e.path}\` ${e.message}` };
      });
      setResult({
        kind: "invalid",
        title: problem?.title ?? "The task was not accepted",
        detail: errorText(failure),
        errors: asJson
          ? fieldErrors.map((e) =>
              e.field === "" || e.field === "type"
                ? e
                : { field: "", message: `\`${e.field}\` ${e.message}` },
            )
          : fieldErrors,
      });
    } finally {
      setSending(false);
    }
  };

  return (
    <form class="task-form" noValidate onSubmit={submit} aria-describedby="type-description">
      <p id="type-description" class="muted">
        {description.description}
      </p>
      {result && (
        <div ref={summary} tabIndex={-1} class="summary-box">
          {result.kind === "accepted" ? (
            <Notice kind="success">
              {result.replayed ? "Already accepted" : "Accepted"}: task{" "}
              <Link href={`/tasks/${result.task.id}`} class="mono">
                {result.task.id}
              </Link>{" "}
              ({result.task.type}) is {result.task.status}.
            </Notice>
          ) : (
            <Notice kind="error">
              <p>
                <strong>{result.title}</strong>
                {result.detail ? `: ${result.detail}` : ""}
              </p>
              {result.errors.length > 0 && (
                <ul>
                  {result.errors.map((e) => (
                    <li key={`${e.field}-${e.message}`}>
                      <a href={`#${e.field === "type" ? "task-type" : inputId(e.field)}`}>
                        {e.field ? `${e.field} ${e.message}` : `input ${e.message}`}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </Notice>
          )}
        </div>
      )}
      {model.mode === "fields" && (
        <label class="check">
          <input
            type="checkbox"
            checked={asJson}
            onChange={(e) => switchToJson(e.currentTarget.checked)}
          />
          Edit the input as JSON
        </label>
      )}
      {asJson ? (
        <div class="field">
          <label for="input-json">Input (JSON)</label>
          <textarea
            id="input-json"
            name="input"
            rows={8}
            class="mono"
            value={json}
            onInput={(e) => setJson(e.currentTarget.value)}
            aria-invalid={errorOf("") ? "true" : undefined}
            aria-describedby={errorOf("") ? "input-json-error" : undefined}
            spellcheck={false}
          />
          {result?.kind === "invalid" && result.errors.length > 0 && (
            <p id="input-json-error" class="field-error">
              {result.errors
                .map((e) => (e.field ? `${e.field} ${e.message}` : `input ${e.message}`))
                .join("; ")}
            </p>
          )}
        </div>
      ) : (
        <fieldset>
          <legend>Input</legend>
          {fields.length === 0 && <p class="muted">This type takes no input fields.</p>}
          {fields.map((field) => (
            <Field
              key={field.name}
              field={field}
              value={values[field.name]}
              error={errorOf(field.name)?.message}
              onChange={(value) => setValues({ ...values, [field.name]: value })}
            />
          ))}
        </fieldset>
      )}
      <div class="field">
        <label for="idempotency-key">Idempotency key (optional)</label>
        <input
          id="idempotency-key"
          name="idempotency-key"
          value={idempotencyKey}
          onInput={(e) => setIdempotencyKey(e.currentTarget.value)}
          aria-describedby="idempotency-hint"
          autoComplete="off"
        />
        <p id="idempotency-hint" class="hint">
          The same key with the same input returns the same task instead of a new one.
        </p>
      </div>
      <button type="submit" class="primary" disabled={sending}>
        {sending ? "Submitting…" : "Submit task"}
      </button>
      {result?.kind === "invalid" && (
        <span class="visually-hidden">{plural(result.errors.length, "problem")}</span>
      )}
    </form>
  );
}

function Field(props: {
  field: FormField;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const { field } = props;
  const id = inputId(field.name);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const limits = [
    field.minimum !== undefined ? `at least ${field.minimum}` : "",
    field.maximum !== undefined ? `at most ${field.maximum}` : "",
    field.maxLength !== undefined ? `up to ${field.maxLength} characters` : "",
    field.kind === "integer" ? "a whole number" : "",
    field.kind === "json" ? "JSON" : "",
  ].filter(Boolean);
  const hint = [field.description, limits.length ? limits.join(", ") : ""]
    .filter(Boolean)
    .join(". ");
  const describedBy =
    [hint ? hintId : "", props.error ? errorId : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: field.name,
    "aria-invalid": props.error ? ("true" as const) : undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required ? ("true" as const) : undefined,
  };
  const notes = (
    <>
      {hint && (
        <p id={hintId} class="hint">
          {hint}
        </p>
      )}
      {props.error && (
        <p id={errorId} class="field-error">
          {field.name} {props.error}
        </p>
      )}
    </>
  );
  const label = (
    <label for={id}>
      {field.name}
      {field.required ? <span class="required"> (required)</span> : null}
    </label>
  );
  if (field.kind === "boolean") {
    return (
      <div class="field">
        <label class="check" for={id}>
          <input
            type="checkbox"
            {...common}
            checked={props.value === true}
            onChange={(e) => props.onChange(e.currentTarget.checked)}
          />
          {field.name}
        </label>
        {notes}
      </div>
    );
  }
  const text = typeof props.value === "string" ? props.value : "";
  return (
    <div class="field">
      {label}
      {field.kind === "choice" ? (
        <select {...common} value={text} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <option value="">(none)</option>
          <Options choices={field.options?.map(String) ?? []} />
        </select>
      ) : field.kind === "json" ? (
        <textarea
          {...common}
          rows={3}
          class="mono"
          value={text}
          onInput={(e) => props.onChange(e.currentTarget.value)}
          spellcheck={false}
        />
      ) : field.kind === "text" ? (
        <input
          {...common}
          type="text"
          value={text}
          onInput={(e) => props.onChange(e.currentTarget.value)}
          autoComplete="off"
        />
      ) : (
        <input
          {...common}
          type="number"
          inputMode={field.kind === "integer" ? "numeric" : "decimal"}
          step={field.kind === "integer" ? 1 : "any"}
          value={text}
          onInput={(e) => props.onChange(e.currentTarget.value)}
          autoComplete="off"
        />
      )}
      {notes}
    </div>
  );
}
