/**
 * The real API (createApiServices + buildApp, as `atelier api` runs it) in a bench child that
 * reports its memory over IPC, so no production endpoint is needed for it. Configured by the
 * environment like the API; prints `ready` once listening.
 * Start with `--expose-gc` and an IPC channel (bench/support.ts spawnBenchProcess).
 */
import { pino } from 'pino';
import { apiConfigSchema, buildApp, createApiServices } from '@atelier/api';
import { parseConfig } from '@atelier/config';
import { answerMemoryRequests } from './memoryReport.ts';

const config = parseConfig(apiConfigSchema, process.env);
const services = createApiServices(config, pino({ level: config.LOG_LEVEL }));
const app = await buildApp(services);
await app.listen({ port: config.PORT, host: config.HOST });
answerMemoryRequests(() => ({ streams: services.streams.size, followers: services.events.openFollowers }));
console.log(`ready ${config.PORT}`);
process.once('SIGTERM', () => {
  services.streams.closeAll();
  void app
    .close()
    .then(() => services.close())
    .then(() => process.exit(0));
});
