export * from './errors.ts';
export * from './jobs.ts';
export * from './events.ts';
export * from './plans.ts';
export * from './pricing.ts';
export * from './queue.ts';
export * from './models/index.ts';
export * from './workers.ts';
