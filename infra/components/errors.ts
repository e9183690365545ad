/**
 * A component was given arguments it cannot build from. The message names the component, the
 * resource name and the field, so the mistake is found without reading the component's code.
 *
 * @example
 * ```ts
 * throw new ComponentArgsError("TaskQueue", "tasks", "maxReceiveCount", "must be at least 5");
 * // TaskQueue `tasks`: `maxReceiveCount` must be at least 5
 * ```
 */
export class ComponentArgsError extends Error {
  override name = "ComponentArgsError";

  constructor(component: string, resourceName: string, field: string, problem: string) {
    super(`${component} \`${resourceName}\`: \`${field}\` ${problem}`);
  }
}
