import type { ComponentChildren } from "preact";

/**
 * A message box. What an action did (`success`) is announced politely and an error at once;
 * an `info` note is part of the page, not news, so it is not a live region.
 */
export function Notice(props: {
  kind: "info" | "success" | "error";
  children: ComponentChildren;
  id?: string;
}) {
  return (
    <div
      id={props.id}
      class={`notice notice-${props.kind}`}
      role={props.kind === "error" ? "alert" : props.kind === "success" ? "status" : undefined}
    >
      {props.children}
    </div>
  );
}
