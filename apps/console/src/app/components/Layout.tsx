import type { ComponentChildren } from "preact";
import type { ConsoleTargetInfo } from "../model/types.js";
import { Link } from "./Link.js";

const PAGES = [
  { href: "/tasks", label: "Tasks" },
  { href: "/submit", label: "Submit" },
  { href: "/dead-letters", label: "Dead letters" },
  { href: "/overview", label: "Overview" },
] as const;

/** The frame of every page: a skip link, the navigation, what the console talks to. */
export function Layout(props: {
  path: string;
  target: ConsoleTargetInfo | undefined;
  children: ComponentChildren;
}) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Tasklane console</span>
        <nav aria-label="Main">
          <ul class="nav-list">
            {PAGES.map((page) => {
              const here =
                props.path === page.href ||
                (page.href === "/tasks" && props.path.startsWith("/tasks/"));
              return (
                <li key={page.href}>
                  <Link href={page.href} aria-current={here ? "page" : undefined}>
                    {page.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        {props.target && (
          <p class="target" title={props.target.apiUrl}>
            {props.target.description}
            {props.target.signed ? " · signed with SigV4" : ""}
          </p>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
