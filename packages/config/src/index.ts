export * from './load.ts';
export * from './fragments.ts';
export * from './logger.ts';
export * from './parentNotice.ts';
