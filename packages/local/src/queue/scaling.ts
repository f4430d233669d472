export interface PollerScalingOptions {
  /** Loops at the start, and the floor when scaling down. */
  initial: number;
  /** The ceiling: the function's concurrency. */
  max: number;
  /** Starts one more receive → invoke → delete loop. */
  addLoop(): void;
  /** Loops added per interval while every receive comes back full (AWS: up to 300 a minute). */
  stepPerInterval?: number;
  intervalMs?: number;
}

export interface PollerScaling {
  start(): void;
  /** Called by a loop after each receive; false tells that loop to end (scaling down). */
  afterReceive(full: boolean): boolean;
  stop(): void;
}

/**
 * How Lambda scales an SQS event source mapping, per AWS's documentation ("Lambda starts with five
 * concurrent batches… If messages are still available, Lambda increases the number of processes
 * reading batches by up to 300 more instances per minute", bounded by the function's concurrency):
 * while every receive of the last second returned a full batch, up to 5 more loops start each
 * second; a receive that comes back short means the queue is drained, and that loop ends unless
 * only the initial ones are left.
 */
export function createPollerScaling(options: PollerScalingOptions): PollerScaling {
  const step = options.stepPerInterval ?? 5;
  const floor = Math.max(1, Math.min(options.initial, options.max));
  let active = 0;
  let full = 0;
  let short = 0;
  let timer: NodeJS.Timeout | undefined;

  const add = (count: number) => {
    for (let i = 0; i < count; i++) {
      active++;
      options.addLoop();
    }
  };

  return {
    start() {
      add(floor);
      timer = setInterval(() => {
        if (full > 0 && short === 0 && active < options.max) add(Math.min(step, options.max - active));
        full = 0;
        short = 0;
      }, options.intervalMs ?? 1000);
      timer.unref();
    },
    afterReceive(wasFull) {
      if (wasFull) {
        full++;
        return true;
      }
      short++;
      if (active <= floor) return true;
      active--;
      return false;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
