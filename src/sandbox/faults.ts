import { z } from 'zod/v4';
import { integer } from '../core/zod3-compat';

/** Injected misbehaviour for one route, as the tests ask for it through POST /_sandbox/faults. */
export const faultSchema = z
  .strictObject({
    method: z.string().toUpperCase().default('GET'),
    /** A path where `*` matches one segment, e.g. `/v1/customers/*\/users`. */
    path: z.string().startsWith('/'),
    kind: z.enum(['latency', 'status', 'drop', 'hang']),
    count: integer(z.number()).min(1).max(10_000).default(1),
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
    retryAfterSeconds: integer(z.number()).min(0).max(3600).optional(),
    latencyMs: integer(z.number()).min(0).max(120_000).optional(),
    when: z.enum(['before', 'after']).default('before'),
  })
  .refine((f) => f.kind !== 'status' || f.status !== undefined, { message: 'a status fault needs `status`', path: ['status'] });
export type FaultSpec = z.infer<typeof faultSchema>;

interface ActiveFault extends FaultSpec {
  pattern: RegExp;
  remaining: number;
}

/** The injected faults, each used up after `count` matching requests, first added first served. */
export class Faults {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const pattern = new RegExp(`^${spec.path.replace(/\/+$/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}/?$`, 'i');
    this.faults.push({ ...spec, pattern, remaining: spec.count });
  }

  clear(): void {
    this.faults = [];
  }

  list(): Array<FaultSpec & { remaining: number }> {
    return this.faults.filter((f) => f.remaining > 0).map(({ pattern: _pattern, ...f }) => f);
  }

  /** The fault to apply to this request now (one of its uses is spent), if any. */
  take(method: string, path: string): FaultSpec | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && x.method === method.toUpperCase() && x.pattern.test(path));
    if (!f) return undefined;
    f.remaining -= 1;
    return f;
  }
}
