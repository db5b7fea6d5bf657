export * from './changePlan.ts';
export * from './deadLetters.ts';
export * from './monthlyGrants.ts';
