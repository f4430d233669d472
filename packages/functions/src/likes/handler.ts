import { manifest } from "../../../../infra/manifest";
import { createLikesDependencies } from "./container";
import { withInjectedFaults } from "./fault-injection";
import { createLikesSubscriber } from "./subscriber";

const dependencies = createLikesDependencies();

/** The likes queue subscriber: SQS batch in, partial batch response out. */
export const handler = withInjectedFaults(createLikesSubscriber(dependencies), {
  rate: dependencies.faultRate,
  // Injected faults stop one receive short of the DLQ, so only a real failure can put a like there.
  spareFromReceiveCount: manifest.queue.dlq.maxReceiveCount - 1,
});
