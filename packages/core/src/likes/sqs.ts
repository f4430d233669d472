/**
 * The SQS side of likes, apart from ./index so that importing the likes domain does not load the
 * SQS SDK: the API loads this on its first like, not at cold start.
 */
export { createSqsLikePublisher, type SqsLikePublisherOptions } from "./sqs-publisher";
