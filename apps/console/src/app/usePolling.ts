import { useEffect, useRef } from "preact/hooks";

/**
 * Runs `load` now and then every `intervalMs` (from the start of one run to the next) while
 * the component is shown and `deps` stay the same. Runs never overlap; a run in flight when
 * the component goes away is aborted. `refresh()` runs it again at once.
 */
export function usePolling(
  load: (signal: AbortSignal) => Promise<void>,
  intervalMs: number,
  deps: readonly unknown[],
): { refresh: () => void } {
  const loadRef = useRef(load);
  loadRef.current = load;
  const kick = useRef<() => void>(() => undefined);
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const tick = async () => {
      clearTimeout(timer);
      if (running) {
        again = true;
        return;
      }
      running = true;
      const started = performance.now();
      try {
        await loadRef.current(abort.signal);
      } catch {
        // `load` shows its own errors; a failed run is tried again on the next tick.
      }
      running = false;
      if (abort.signal.aborted) return;
      const wait = again ? 0 : Math.max(0, intervalMs - (performance.now() - started));
      again = false;
      timer = setTimeout(tick, wait);
    };
    kick.current = () => void tick();
    void tick();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, deps);
  return { refresh: () => kick.current() };
}
