import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPollerScaling } from "../src/queue/scaling";

/** The event source mapping's concurrency, as AWS documents it for SQS: 5 at first, +5 a second while full. */
describe("poller scaling", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function scaling(max = 1000) {
    let loops = 0;
    const scale = createPollerScaling({ initial: 5, max, addLoop: () => loops++ });
    return { scale, loops: () => loops };
  }

  it("starts 5 loops and adds up to 5 a second while every receive is full, up to the function's concurrency", () => {
    const { scale, loops } = scaling(12);
    scale.start();
    expect(loops()).toBe(5);
    for (let second = 0; second < 3; second++) {
      for (let i = 0; i < loops(); i++) expect(scale.afterReceive(true)).toBe(true);
      vi.advanceTimersByTime(1000);
    }
    expect(loops()).toBe(12);
    scale.stop();
  });

  it("adds none in a second where a receive came back short, and ends loops down to the first 5", () => {
    const { scale, loops } = scaling();
    scale.start();
    scale.afterReceive(true);
    vi.advanceTimersByTime(1000);
    expect(loops()).toBe(10);
    scale.afterReceive(true);
    // Short receives: the queue is drained. Five loops end, the first five stay.
    const ended = Array.from({ length: 8 }, () => scale.afterReceive(false)).filter((keep) => !keep).length;
    expect(ended).toBe(5);
    vi.advanceTimersByTime(1000);
    expect(loops()).toBe(10);
    scale.stop();
  });
});
