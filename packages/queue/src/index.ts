export * from './redisConnection.ts';
export * from './generationQueue.ts';
export * from './jobEventStream.ts';
export * from './jobEventHub.ts';
export * from './jobCancellation.ts';
export * from './queuePosition.ts';
export * from './deadLetterQueue.ts';
