export { startWorker } from './main.ts';
export { workerConfigSchema, type WorkerConfig } from './config.ts';
