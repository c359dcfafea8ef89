import type { DueItem, DueWork, DueWorkStore } from '../core/approval/due-work';
import { epochMs } from './time';

interface Entry {
  work: DueWork;
  dueMs: number;
  owner?: string;
  leaseUntilMs?: number;
}

/** The in-process due-work queue: the same claim semantics as the durable ones, for tests and `memory` storage. */
export class MemoryDueWorkStore implements DueWorkStore {
  private readonly items = new Map<string, Entry>();

  async schedule(item: DueWork): Promise<void> {
    this.items.set(item.key, { work: structuredClone(item), dueMs: epochMs(item.dueAt, 'dueAt') });
  }

  async claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<DueItem[]> {
    const nowMs = now.getTime();
    const leaseUntilMs = nowMs + leaseMs;
    const claimable = [...this.items.values()]
      .filter((e) => e.dueMs <= nowMs && (e.owner === undefined || (e.leaseUntilMs ?? 0) <= nowMs))
      .sort((a, b) => a.dueMs - b.dueMs || a.work.key.localeCompare(b.work.key))
      .slice(0, Math.max(0, limit));
    return claimable.map((e) => {
      e.owner = owner;
      e.leaseUntilMs = leaseUntilMs;
      return { ...structuredClone(e.work), owner, leaseUntil: new Date(leaseUntilMs).toISOString() };
    });
  }

  async complete(key: string, owner?: string): Promise<void> {
    if (owner === undefined || this.items.get(key)?.owner === owner) this.items.delete(key);
  }

  async cancel(key: string): Promise<void> {
    this.items.delete(key);
  }
}
