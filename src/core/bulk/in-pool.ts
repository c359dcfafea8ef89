// A small worker pool, shared by the check (a pre-flight per row) and the runner (a creation per row), so only a few
// rows' calls to Partner Center and Graph are in flight at once.

/** Runs `work` over `items`, at most `limit` at once. */
export async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
