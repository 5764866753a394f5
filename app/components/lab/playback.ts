/** The clear-screen sequence `monitor.sh watch` prints before each refresh. */
const FRAME = "\x1b[H\x1b[2J";

/**
 * Shows a command's output. A dashboard that refreshes (`monitor.sh watch`) is shown frame by
 * frame at its own pace in virtual time (at most 2 s per frame), so it looks live; Ctrl-C
 * (`stop`) stops the show. Anything else is written at once.
 */
export function playOutput(output: string, durationMs: number, write: (s: string) => void) {
  const parts = output.split(FRAME);
  if (parts.length <= 2) {
    write(output);
    return { done: Promise.resolve(), stop: () => undefined };
  }
  let stopped = false;
  let wake: (() => void) | undefined;
  const frames = parts.length - 1;
  const delay = Math.min(2000, Math.max(50, durationMs / frames));
  const done = (async () => {
    write(parts[0] as string);
    for (let i = 1; i < parts.length && !stopped; i++) {
      write(FRAME + (parts[i] as string));
      if (i < parts.length - 1)
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, delay);
        });
    }
    if (stopped) write("^C\n");
  })();
  return {
    done,
    stop: () => {
      stopped = true;
      wake?.();
    },
  };
}
