export { startApi } from './main.ts';
export { buildApp } from './app.ts';
export { createApiServices, type ApiServices } from './services.ts';
export { apiConfigSchema, type ApiConfig } from './config.ts';
export { changePlan } from './billing/changePlan.ts';
export { listDeadLetterJobs, retryAllDeadLetters, retryDeadLetter, type DeadLetterDeps } from './services/deadLetters.ts';
