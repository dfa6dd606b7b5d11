/** A tiny work pool: at most `concurrency` tasks in flight, taken in order. */

/**
 * Runs `worker` over `items` with at most `concurrency` calls in flight. When a call throws, no new item is
 * started; the pool waits for the calls in flight and then rejects with the first error, so nothing keeps
 * sending requests behind the caller's back.
 *
 * @example
 * await runPool(batches, 4, (batch) => send(batch));
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lanes = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (failure === undefined && next < items.length) {
        const item = items[next++] as T;
        try {
          await worker(item);
        } catch (error) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure !== undefined) throw failure.error;
}
