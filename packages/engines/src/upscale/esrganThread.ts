import { parentPort } from 'node:worker_threads';
import { type EsrganModel, loadEsrganModel } from './esrganModel.ts';
import type { EsrganScale } from './esrganScale.ts';
import type { TileReply, TileRequest } from './threadMessages.ts';

// One prediction at a time, synchronous: this thread is blocked while it runs, and that is
// why it is a thread and not the worker's event loop.
const port = parentPort;
if (!port) throw new Error('esrganThread runs as a worker thread');
const models = new Map<EsrganScale, Promise<EsrganModel>>();

port.on('message', async ({ id, scale, picture }: TileRequest) => {
  let reply: TileReply;
  try {
    let model = models.get(scale);
    if (!model) models.set(scale, (model = loadEsrganModel(scale)));
    reply = { id, picture: (await model)(picture) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply, 'picture' in reply ? [reply.picture.data.buffer as ArrayBuffer] : []);
});
