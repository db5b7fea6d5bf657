export { startApi } from './main.ts';
export { buildApp } from './app.ts';
export { createApiServices, type ApiServices } from './services.ts';
export { apiConfigSchema, type ApiConfig } from './config.ts';
export { StreamSeats } from './sse/streamSeats.ts';
