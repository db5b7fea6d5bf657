/**
 * A webhook receiver for bench/webhookDeliveries.ts, in a process of its own so that neither
 * sender shares its CPU: answers every POST 200 after reading the body, and prints
 * `count <n> <ms since the first>` every REPORT_EVERY requests. Prints `ready <port>`.
 */
import { createServer } from 'node:http';

const every = Number(process.env.REPORT_EVERY ?? 100);
let count = 0;
let first = 0;
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    count++;
    if (count === 1) first = performance.now();
    if (count % every === 0) process.stdout.write(`count ${count} ${(performance.now() - first).toFixed(1)}\n`);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as { port: number }).port}`));
