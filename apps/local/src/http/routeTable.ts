/** A route of the HTTP API and what serves it. */
export interface Route<Target> {
  /** `GET /tasks/{id}`, `ANY /files/{proxy+}` or `$default`. */
  readonly routeKey: string;
  readonly target: Target;
}

export interface RouteMatch<Target> {
  route: Route<Target>;
  /** Values of the route's `{param}` segments, decoded; absent for a route without any. */
  pathParameters?: Record<string, string>;
}

interface CompiledRoute<Target> {
  route: Route<Target>;
  method: string;
  segments: string[];
  greedy: boolean;
}

const DEFAULT_ROUTE = "$default";

/**
 * API Gateway HTTP API routing: the most specific route for the method and path wins (literal
 * segments before `{param}` ones, `{param+}` greedy last, the exact method before `ANY`), then
 * the `$default` route; `undefined` when nothing matches. Matching is case-sensitive, as in
 * API Gateway.
 */
export class RouteTable<Target> {
  private readonly routes: CompiledRoute<Target>[];
  private readonly fallback: Route<Target> | undefined;

  constructor(routes: readonly Route<Target>[]) {
    this.fallback = routes.find((r) => r.routeKey === DEFAULT_ROUTE);
    this.routes = routes.filter((r) => r.routeKey !== DEFAULT_ROUTE).map(compile);
  }

  match(method: string, rawPath: string): RouteMatch<Target> | undefined {
    const parts = rawPath.split("/").slice(1);
    const candidates = this.routes
      .map((route) => ({ route, pathParameters: matchPath(route, method, parts) }))
      .filter((c): c is { route: CompiledRoute<Target>; pathParameters: Record<string, string> } =>
        Boolean(c.pathParameters),
      )
      .sort((a, b) => compareSpecificity(a.route, b.route));
    const best = candidates[0];
    if (best) {
      const hasParameters = Object.keys(best.pathParameters).length > 0;
      return {
        route: best.route.route,
        ...(hasParameters ? { pathParameters: best.pathParameters } : {}),
      };
    }
    return this.fallback ? { route: this.fallback } : undefined;
  }
}

function compile<Target>(route: Route<Target>): CompiledRoute<Target> {
  const [method = "", path = ""] = route.routeKey.split(" ");
  if (!method || !path.startsWith("/")) {
    throw new Error(`not a route key: ${JSON.stringify(route.routeKey)}`);
  }
  const segments = path.split("/").slice(1);
  const greedy = /^\{[^}]+\+\}$/.test(segments.at(-1) ?? "");
  return { route, method: method.toUpperCase(), segments, greedy };
}

function matchPath<Target>(
  route: CompiledRoute<Target>,
  method: string,
  parts: string[],
): Record<string, string> | undefined {
  if (route.method !== "ANY" && route.method !== method.toUpperCase()) return undefined;
  const fixed = route.greedy ? route.segments.slice(0, -1) : route.segments;
  if (route.greedy ? parts.length <= fixed.length : parts.length !== fixed.length) {
    return undefined;
  }
  const parameters: Record<string, string> = {};
  for (const [index, segment] of fixed.entries()) {
    const part = parts[index] ?? "";
    const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (name === undefined) {
      if (segment !== part) return undefined;
    } else {
      if (part === "") return undefined;
      parameters[name] = decode(part);
    }
  }
  if (route.greedy) {
    const name = (route.segments.at(-1) ?? "").slice(1, -2);
    parameters[name] = decode(parts.slice(fixed.length).join("/"));
  }
  return parameters;
}

/** Negative when `a` is the more specific route. */
function compareSpecificity<Target>(a: CompiledRoute<Target>, b: CompiledRoute<Target>): number {
  if (a.greedy !== b.greedy) return a.greedy ? 1 : -1;
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const aVariable = (a.segments[i] ?? "").startsWith("{");
    const bVariable = (b.segments[i] ?? "").startsWith("{");
    if (aVariable !== bVariable) return aVariable ? 1 : -1;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (a.method === "ANY" ? 1 : 0) - (b.method === "ANY" ? 1 : 0);
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
