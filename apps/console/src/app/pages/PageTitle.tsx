import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";

/** The page's `<h1>`, which also names the browser tab; it takes focus after a navigation. */
export function PageTitle(props: { title: string; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · Tasklane console`;
  }, [props.title]);
  return (
    <h1 tabIndex={-1} class="page-title">
      {props.children ?? props.title}
    </h1>
  );
}
