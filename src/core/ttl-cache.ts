import type { Clock } from './ports';

/**
 * A small time-bounded cache for look-ups that repeat within minutes (customer lists, domains). Entries expire by
 * the injected clock; callers that must see the truth (the final check before a creation) simply do not use it.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    this.put(key, value, now);
    return value;
  }

  /** Keeps a value read elsewhere (fresh) for the next `getOrLoad`. */
  set(key: string, value: V): void {
    this.put(key, value, this.clock.now().getTime());
  }

  private put(key: string, value: V, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
