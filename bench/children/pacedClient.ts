/**
 * `pacedLoad` in a process of its own, so that a heavy load (a 1,000/s flood) does not share an
 * event loop with the client whose latency is measured. Started with an IPC channel: prints
 * `ready` once loaded (tsx compiles it first, which takes CPU the measured run must not share),
 * then runs the job sent as `{ type: 'go', job }` and answers `{ type: 'result', … }`.
 */
import { pacedLoad } from '../pacedLoad.ts';

interface Job {
  baseUrl: string;
  clients: number;
  rate: number;
  seconds: number;
  headers: Record<string, string>;
  path: string;
  body: string;
}

process.once('message', (message: { type: 'go'; job: Job }) => {
  const { job } = message;
  void pacedLoad({ ...job, next: () => ({ method: 'POST', path: job.path, headers: job.headers, body: job.body }) }).then((result) => {
    process.send!({ type: 'result', latencies: result.latencies, statuses: [...result.statuses], throughput: result.throughput }, () => process.exit(0));
  });
});
console.log('ready');
