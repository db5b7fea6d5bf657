export * from './load.ts';
export * from './fragments.ts';
export * from './catalogFile.ts';
export * from './logger.ts';
export * from './parentNotice.ts';
