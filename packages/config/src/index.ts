export * from './load.ts';
export * from './fragments.ts';
