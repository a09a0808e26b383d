/**
 * Full garbage collections between clusters, in the synthesising thread and the stage worker.
 *
 * V8 lets a heap fill with garbage until it reaches a limit it derives from the last full collection, and it
 * keeps the pages it grew to. A synth of a large cluster makes a whole cluster's constructs, rendered objects and
 * YAML garbage at once, at a moment it knows: when the cluster was handed on (or written). Left to V8, the first
 * full collection of a 1,000-service run came only after two clusters' worth of garbage (the synthesising
 * thread's heap at 230 MB for 80 MB live, the worker's at 176 MB without one full collection); with a full
 * collection at each boundary they stayed under about 150 MB and 120 MB, and the run's peak RSS fell from
 * 525-540 MB to 355-380 MB (at 5,000 services from 2.9 GB to 1.5 GB; see the README's "Memory"). A collection
 * costs tens of milliseconds at that size, so it runs only when the heap grew by `COLLECT_AFTER_GROWTH_BYTES`
 * since the last one: small platforms never pay it.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Growth of the used heap since the last collection (or since the collector was made) that makes a boundary collect. */
export const COLLECT_AFTER_GROWTH_BYTES = 64 * 1024 * 1024;

let fullCollection: (() => void) | undefined;

/** V8's full collection, as `--expose-gc` exposes it (enabled on first use: only a new context gets the function). */
export function collectGarbage(): void {
  if (fullCollection === undefined) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as () => void;
  }
  fullCollection();
}

/** Options of `BoundaryCollector`. */
export interface BoundaryCollectorOptions {
  /** Collect at a boundary when the used heap grew by more than this since the last collection. @default COLLECT_AFTER_GROWTH_BYTES */
  readonly growthBytes?: number;
}

/**
 * Collects at cluster boundaries when the heap grew enough. Call `boundary()` where a cluster's data just became
 * unreachable: not in a function that still holds a reference to it (a suspended async function keeps its
 * locals), but after that function returned.
 */
export class BoundaryCollector {
  private readonly growthBytes: number;
  private baseline: number;
  /** Collections made so far. */
  public collections = 0;

  public constructor(options: BoundaryCollectorOptions = {}) {
    this.growthBytes = options.growthBytes ?? COLLECT_AFTER_GROWTH_BYTES;
    if (!(this.growthBytes >= 0)) throw new RangeError(`BoundaryCollector: growthBytes is ${this.growthBytes}; it must be 0 or more`);
    this.baseline = getHeapStatistics().used_heap_size;
  }

  /** Collect when the used heap grew by more than `growthBytes` since the last collection; true when it collected. */
  public boundary(): boolean {
    if (getHeapStatistics().used_heap_size - this.baseline <= this.growthBytes) return false;
    collectGarbage();
    this.collections++;
    this.baseline = getHeapStatistics().used_heap_size;
    return true;
  }
}
