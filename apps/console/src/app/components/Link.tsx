import type { ComponentChildren } from "preact";
import { routedClick } from "../router.js";

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
  "aria-current"?: "page" | undefined;
}

/** A link to another page of the console, followed without a reload. */
export function Link({ href, children, ...rest }: LinkProps) {
  return (
    <a href={href} onClick={(event) => routedClick(event, href)} {...rest}>
      {children}
    </a>
  );
}
