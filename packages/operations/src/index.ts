export * from './changePlan.ts';
export * from './deadLetters.ts';
