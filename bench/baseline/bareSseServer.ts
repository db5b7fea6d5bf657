/**
 * The floor of a job stream: a bare `node:http` Server-Sent Events server. Each request gets
 * the same headers and `retry:` line the API sends and is kept in a set; requests to `/fan`
 * also join the fan-out set, and every message on the Redis channel `FANOUT_CHANNEL`
 * (`<id> <json>`, as the worker publishes job events) is written to each of them in a plain
 * loop. Reports its memory over IPC (start with `--expose-gc`); prints `ready` when listening.
 */
import { createServer, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { answerMemoryRequests } from '../children/memoryReport.ts';

const open = new Set<ServerResponse>();
const fan = new Set<ServerResponse>();
const subscriber = new Redis(process.env.REDIS_URL!);
await subscriber.subscribe(process.env.FANOUT_CHANNEL!);
subscriber.on('message', (_channel: string, message: string) => {
  const space = message.indexOf(' ');
  const event = JSON.parse(message.slice(space + 1)) as { type: string };
  const chunk = `id: ${message.slice(0, space)}\nevent: ${event.type}\ndata: ${message.slice(space + 1)}\n\n`;
  for (const response of fan) response.write(chunk);
});

const server = createServer((request, response) => {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write('retry: 1000\n\n');
  open.add(response);
  if (request.url === '/fan') fan.add(response);
  response.on('close', () => {
    open.delete(response);
    fan.delete(response);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`ready ${process.env.PORT}`));
answerMemoryRequests(() => ({ streams: open.size }));
process.once('SIGTERM', () => process.exit(0));
