import type { SQSEvent } from "aws-lambda";

export interface FaultOptions {
  /** Share of invocations that fail, 0 to 1. */
  rate: number;
  /**
   * No fault on a batch holding a record received this many times already. Without it, 20 % faults
   * alone would push a good message to the DLQ now and then (0.2^5 per message: about one run in
   * eight over 400 messages), and a test could not tell that from a real loss.
   */
  spareFromReceiveCount?: number;
  random?: () => number;
}

/**
 * TEST-ONLY. Makes a share of invocations throw after the real work is done, the way a Lambda that
 * crashes or times out after writing would: SQS then delivers the whole batch again. Tests use it to
 * show that counts stay exact under redelivery. Off unless `LIKES_FAULT_RATE` is set; never set it
 * in a deployed stage.
 */
export function withInjectedFaults<Context, Result>(
  handler: (event: SQSEvent, context: Context) => Promise<Result>,
  { rate, spareFromReceiveCount = Number.POSITIVE_INFINITY, random = Math.random }: FaultOptions,
): (event: SQSEvent, context: Context) => Promise<Result> {
  if (rate <= 0) return handler;
  return async (event, context) => {
    const result = await handler(event, context);
    const received = Math.max(0, ...event.Records.map((record) => Number(record.attributes.ApproximateReceiveCount) || 0));
    if (received < spareFromReceiveCount && random() < rate) throw new InjectedFault(rate);
    return result;
  };
}

export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
  constructor(rate: number) {
    super(`injected fault after the batch was written (LIKES_FAULT_RATE=${rate}, test-only)`);
  }
}
