import { useEffect, useState } from "preact/hooks";
import { get } from "./api.js";
import type { TaskTypeDescription } from "./model/types.js";

let catalog: Promise<TaskTypeDescription[]> | undefined;

/** `GET /task-types`, read once per visit (the catalog changes only with a deploy). */
export function useTaskTypes(): { types: TaskTypeDescription[] | undefined; error?: unknown } {
  const [state, setState] = useState<{ types?: TaskTypeDescription[]; error?: unknown }>({});
  useEffect(() => {
    catalog ??= get<{ types: TaskTypeDescription[] }>("/api/task-types").then((b) => b.types);
    catalog.then(
      (types) => setState({ types }),
      (error) => {
        catalog = undefined;
        setState({ error });
      },
    );
  }, []);
  return { types: state.types, ...(state.error ? { error: state.error } : {}) };
}
