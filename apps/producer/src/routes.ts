import { FUNCTIONS } from "@tasklane/stack-config/functions";

/** Every route the API serves, as method and path template (`/tasks/{id}`). */
export const API_ROUTES = FUNCTIONS.flatMap((f) => ("routes" in f ? f.routes : []))
  .filter((route) => route !== "$default")
  .map((route) => {
    const [method = "", path = ""] = route.split(" ");
    return { method, path };
  });

function matches(template: string, path: string): boolean {
  const pattern = template.replace(/\{[^/]+\}/g, "[^/]+");
  return new RegExp(`^${pattern}$`).test(path);
}

/** The methods allowed on a path, empty when no route has that path. */
export function allowedMethods(path: string): string[] {
  return [...new Set(API_ROUTES.filter((r) => matches(r.path, path)).map((r) => r.method))].sort();
}
