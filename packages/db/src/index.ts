export * from './cursor.ts';
export * from './pool.ts';
export * from './migrate.ts';
export * from './users.ts';
export * from './apiKeys.ts';
export * from './jobs.ts';
export * from './credits.ts';
export * from './assets.ts';
