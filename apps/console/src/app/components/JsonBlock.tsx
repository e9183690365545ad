import { prettyJson } from "../format.js";

/** A JSON value in a scrollable region, named, and reachable by keyboard to scroll. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll by keyboard
    <section class="json" aria-label={label} tabIndex={0}>
      <pre>{prettyJson(value)}</pre>
    </section>
  );
}
