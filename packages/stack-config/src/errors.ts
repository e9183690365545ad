/** A stack's config is missing a key or holds a bad value; the message names both and the stack. */
export class StackConfigError extends Error {
  override name = "StackConfigError";
}
