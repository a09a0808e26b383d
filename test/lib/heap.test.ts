/**
 * Full collections at cluster boundaries (tools/synth/heap.ts `BoundaryCollector`): only when the heap grew by
 * more than the threshold since the last collection, and then garbage is really freed.
 */
import { getHeapStatistics } from 'node:v8';
import { BoundaryCollector, COLLECT_AFTER_GROWTH_BYTES } from '../../tools/synth/heap';

/** A fresh task: a WeakRef's target is kept alive until the task that made it ends. */
const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** About `mb` MB of heap in distinct arrays of numbers. */
function allocate(mb: number): number[][] {
  return Array.from({ length: mb }, (_, i) => new Array<number>(128 * 1024).fill(i + 0.5));
}

describe('BoundaryCollector', () => {
  test('collects, and frees unreachable data, once the heap grew by more than the threshold', async () => {
    // GIVEN a collector with a 16 MB threshold and 48 MB of data that becomes unreachable
    const collector = new BoundaryCollector({ growthBytes: 16 * 1024 * 1024 });
    let data: number[][] | undefined = allocate(48);
    const ref = new WeakRef(data);
    data = undefined;
    await nextTask();
    // WHEN a boundary is reached
    const collected = collector.boundary();
    // THEN it collected, and the data is gone
    expect(collected).toBe(true);
    expect(collector.collections).toBe(1);
    expect(ref.deref()).toBeUndefined();
  });

  test('does not collect while the heap grew by less than the threshold, counting from the last collection', async () => {
    // GIVEN a collector with a 32 MB threshold that just collected after 48 MB of garbage
    const collector = new BoundaryCollector({ growthBytes: 32 * 1024 * 1024 });
    let garbage: number[][] | undefined = allocate(48);
    garbage = undefined;
    expect(garbage).toBeUndefined();
    await nextTask();
    expect(collector.boundary()).toBe(true);
    // WHEN 4 MB more are allocated and the next boundary is reached
    const more = allocate(4);
    const collected = collector.boundary();
    // THEN it did not collect
    expect(more).toHaveLength(4);
    expect(collected).toBe(false);
    expect(collector.collections).toBe(1);
  });

  test('the default threshold is 64 MB, so a small platform\'s boundaries never collect', () => {
    // GIVEN a collector with the default threshold WHEN a boundary follows a few kilobytes of work THEN it did not collect
    const collector = new BoundaryCollector();
    const before = getHeapStatistics().used_heap_size;
    const little = allocate(1);
    expect(little).toHaveLength(1);
    expect(getHeapStatistics().used_heap_size - before).toBeLessThan(COLLECT_AFTER_GROWTH_BYTES);
    expect(COLLECT_AFTER_GROWTH_BYTES).toBe(64 * 1024 * 1024);
    expect(collector.boundary()).toBe(false);
  });

  test('rejects a negative or non-numeric threshold', () => {
    // GIVEN thresholds that are not sizes WHEN a collector is made THEN it throws, naming the value
    expect(() => new BoundaryCollector({ growthBytes: -1 })).toThrow('growthBytes is -1; it must be 0 or more');
    expect(() => new BoundaryCollector({ growthBytes: Number.NaN })).toThrow('growthBytes is NaN');
  });
});
