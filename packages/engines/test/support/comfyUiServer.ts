import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { type WebSocket, WebSocketServer } from 'ws';
import { sendBytes, sendJson } from './loopbackServer.ts';
import { fixtures } from './mediaFixtures.ts';

/** How the loopback ComfyUI behaves from now on; every field may be changed between tests. */
export interface ComfyUiBehaviour {
  /** How long one prompt's sampling takes, spread over its steps (a preview and a progress message each). */
  msPerPrompt: number;
  /** `POST /prompt` refuses the workflow with node errors (400), as validation does. */
  refuse?: boolean;
  /** Every route answers 500. */
  failing?: boolean;
  /** `POST /prompt` never answers. */
  silent?: boolean;
  /** The sampler raises at this step: `execution_error`. */
  errorAtStep?: number;
  /** The server drops the client's socket once, at this step of the next prompt, and goes on. */
  dropSocketAtStep?: number;
  /** With `dropSocketAtStep`: the server restarts there instead, forgetting the prompt and its queue. */
  restart?: boolean;
}

type Workflow = Record<string, { class_type: string; inputs: Record<string, unknown> }>;
interface Prompt {
  id: string;
  number: number;
  workflow: Workflow;
  clientId: string;
  interrupted: boolean;
}

const nodeClasses = {
  CheckpointLoaderSimple: { required: { ckpt_name: [['sd_xl_turbo_1.0_fp16.safetensors']] } },
  CLIPTextEncode: { required: { text: ['STRING', { multiline: true }], clip: ['CLIP'] } },
  EmptyLatentImage: { required: { width: ['INT', { default: 512 }], height: ['INT', { default: 512 }], batch_size: ['INT', { default: 1 }] } },
  KSampler: {
    required: {
      model: ['MODEL'],
      seed: ['INT', {}],
      steps: ['INT', { default: 20, min: 1, max: 10000 }],
      cfg: ['FLOAT', {}],
      sampler_name: [['euler', 'euler_ancestral']],
      scheduler: [['normal', 'karras']],
      positive: ['CONDITIONING'],
      negative: ['CONDITIONING'],
      latent_image: ['LATENT'],
      denoise: ['FLOAT', {}],
    },
  },
  VAEDecode: { required: { samples: ['LATENT'], vae: ['VAE'] } },
  SaveImage: { required: { images: ['IMAGE'], filename_prefix: ['STRING', { default: 'ComfyUI' }] }, hidden: { prompt: 'PROMPT' } },
  SaveVideo: {
    required: { video: ['VIDEO'], filename_prefix: ['STRING', { default: 'video/ComfyUI' }], format: [['auto', 'mp4']], codec: [['auto', 'h264']] },
  },
};
const outputClasses = new Set(['SaveImage', 'SaveVideo']);

/** A binary preview as ComfyUI frames it: event type 1 (PREVIEW_IMAGE), format 1 (JPEG), the image. */
export function previewFrame(jpeg: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  return Buffer.concat([header, jpeg]);
}

/**
 * A ComfyUI on loopback that speaks its HTTP and WebSocket protocol (server.py, execution.py):
 * a queue run one prompt at a time, nodes in dependency order, a sampler that sends
 * `progress` and a binary JPEG preview each step, `executed` with the saved file, history,
 * `/view`, targeted interrupt, queue deletes, `/object_info` and `/system_stats`; and, on
 * demand, its failures. `log` keeps what happened, in order, for the tests to read.
 */
export async function comfyUiServer(behaviour: ComfyUiBehaviour) {
  let behave = behaviour;
  const log: string[] = [];
  const submitted: Array<{ prompt: Workflow; client_id: string; prompt_id?: string }> = [];
  const sockets = new Map<string, WebSocket>();
  const pending: Prompt[] = [];
  const history: Record<string, unknown> = {};
  const files = new Map<string, Buffer>();
  /** When each prompt ran, and when each preview frame went out (performance.now(), this process's clock). */
  const timeline: Array<{ id: string; startedAt: number; endedAt: number }> = [];
  const frameSentAt: number[] = [];
  let running: Prompt | undefined;
  let number = 0;
  let dropped = false;
  const previews = await Promise.all(
    [0, 1, 2, 3, 4, 5, 6, 7].map((shade) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 30 * shade, g: 80, b: 160 } } })
        .jpeg()
        .toBuffer(),
    ),
  );

  const send = (prompt: Prompt, type: string, data: Record<string, unknown>) => {
    log.push(`${type} ${prompt.id}${data.node ? ` ${data.node}` : ''}`);
    sockets.get(prompt.clientId)?.send(JSON.stringify({ type, data: { ...data, prompt_id: prompt.id } }));
  };
  const finish = (prompt: Prompt, status: string, messages: unknown[][], outputs: Record<string, unknown> = {}) => {
    history[prompt.id] = {
      prompt: [prompt.number, prompt.id, prompt.workflow, {}, []],
      outputs,
      status: { status_str: status, completed: status === 'success', messages },
      meta: {},
    };
  };

  async function execute(prompt: Prompt): Promise<void> {
    send(prompt, 'execution_start', { timestamp: Date.now() });
    send(prompt, 'execution_cached', { nodes: [], timestamp: Date.now() });
    const outputs: Record<string, unknown> = {};
    const done: string[] = [];
    for (const node of executionOrder(prompt.workflow)) {
      const { class_type, inputs } = prompt.workflow[node]!;
      send(prompt, 'executing', { node, display_node: node });
      if (class_type === 'KSampler') {
        const steps = inputs.steps as number;
        for (let step = 1; step <= steps; step++) {
          await sleep(behave.msPerPrompt / steps);
          if (prompt.interrupted) {
            const data = { node_id: node, node_type: class_type, executed: done };
            send(prompt, 'execution_interrupted', data);
            return finish(prompt, 'error', [['execution_interrupted', { ...data, prompt_id: prompt.id }]]);
          }
          if (behave.errorAtStep === step) {
            const data = {
              node_id: node,
              node_type: class_type,
              executed: done,
              exception_message: 'Allocation on device',
              exception_type: 'torch.OutOfMemoryError',
              traceback: [],
              current_inputs: {},
              current_outputs: {},
            };
            send(prompt, 'execution_error', data);
            return finish(prompt, 'error', [['execution_error', { ...data, prompt_id: prompt.id }]]);
          }
          send(prompt, 'progress', { value: step, max: steps, node });
          sockets.get(prompt.clientId)?.send(previewFrame(previews[step % previews.length]!));
          frameSentAt.push(performance.now());
          if (behave.dropSocketAtStep === step && !dropped) {
            dropped = true;
            log.push(`dropped socket ${prompt.id}`);
            sockets.get(prompt.clientId)?.terminate();
            if (behave.restart) {
              log.push(`restarted ${prompt.id}`);
              pending.splice(0);
              return;
            }
          }
        }
      }
      if (outputClasses.has(class_type)) {
        const latent = Object.values(prompt.workflow).find((each) => each.class_type === 'EmptyLatentImage')!.inputs;
        const [width, height] = [latent.width as number, latent.height as number];
        const video = class_type === 'SaveVideo';
        const filename = `${inputs.filename_prefix}_${String(prompt.number).padStart(5, '0')}_.${video ? 'mp4' : 'png'}`;
        const background = { r: 200, g: 120, b: 40 };
        files.set(
          filename,
          video
            ? await fixtures.mp4(width, height, 1)
            : await sharp({ create: { width, height, channels: 3, background } })
                .png()
                .toBuffer(),
        );
        // SaveVideo lists its file under `images` too, marked animated, as ComfyUI's core node does.
        outputs[node] = { images: [{ filename, subfolder: '', type: 'output' }], ...(video ? { animated: [true] } : {}) };
        send(prompt, 'executed', { node, display_node: node, output: outputs[node] });
      }
      done.push(node);
    }
    send(prompt, 'execution_success', { timestamp: Date.now() });
    finish(prompt, 'success', [['execution_success', { prompt_id: prompt.id }]], outputs);
    send(prompt, 'executing', { node: null });
  }

  async function drain(): Promise<void> {
    if (running) return;
    while (pending.length > 0) {
      running = pending.shift()!;
      const startedAt = performance.now();
      await execute(running);
      timeline.push({ id: running.id, startedAt, endedAt: performance.now() });
      running = undefined;
    }
  }

  const routes = async (request: IncomingMessage, body: unknown, response: ServerResponse) => {
    const url = new URL(request.url!, 'http://comfyui');
    const route = `${request.method} ${url.pathname}`;
    log.push(`${route}${request.method === 'POST' ? ` ${JSON.stringify(body).slice(0, 80)}` : ''}`);
    if (behave.failing) return sendJson(response, 500, { error: 'Internal Server Error' });
    if (route === 'POST /prompt') {
      if (behave.silent) return;
      const { prompt, client_id, prompt_id } = body as (typeof submitted)[number];
      submitted.push(body as (typeof submitted)[number]);
      if (behave.refuse) {
        return sendJson(response, 400, {
          error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
          node_errors: {
            '3': {
              errors: [{ type: 'value_bigger_than_max', message: 'Value bigger than max', details: 'steps: 200 > 100', extra_info: {} }],
              dependent_outputs: ['9'],
              class_type: 'KSampler',
            },
          },
        });
      }
      const queued = { id: prompt_id ?? crypto.randomUUID(), number: number++, workflow: prompt, clientId: client_id, interrupted: false };
      pending.push(queued);
      void drain();
      return sendJson(response, 200, { prompt_id: queued.id, number: queued.number, node_errors: {} });
    }
    if (route === 'POST /interrupt') {
      const target = (body as { prompt_id?: string } | undefined)?.prompt_id;
      if (running && (target === undefined || target === running.id)) running.interrupted = true;
      return response.writeHead(200).end();
    }
    if (route === 'POST /queue') {
      for (const id of (body as { delete?: string[] }).delete ?? []) {
        const at = pending.findIndex((prompt) => prompt.id === id);
        if (at >= 0) pending.splice(at, 1);
      }
      return response.writeHead(200).end();
    }
    if (route === 'GET /queue') {
      const entry = (prompt: Prompt) => [prompt.number, prompt.id, prompt.workflow, { client_id: prompt.clientId }, []];
      return sendJson(response, 200, { queue_running: running ? [entry(running)] : [], queue_pending: pending.map(entry) });
    }
    if (request.method === 'GET' && url.pathname.startsWith('/history/')) {
      const id = decodeURIComponent(url.pathname.slice('/history/'.length));
      return sendJson(response, 200, Object.hasOwn(history, id) ? { [id]: history[id] } : {});
    }
    if (route === 'GET /view') {
      const file = files.get(url.searchParams.get('filename') ?? '');
      if (!file || url.searchParams.get('type') !== 'output') return response.writeHead(404).end();
      return sendBytes(response, url.searchParams.get('filename')!.endsWith('.mp4') ? 'video/mp4' : 'image/png', file);
    }
    if (route === 'GET /object_info') {
      const info = Object.entries(nodeClasses).map(([name, input]) => [
        name,
        { input, input_order: { required: Object.keys(input.required) }, name, output_node: outputClasses.has(name) },
      ]);
      return sendJson(response, 200, Object.fromEntries(info));
    }
    if (route === 'GET /system_stats') {
      return sendJson(response, 200, {
        system: {
          os: 'posix',
          ram_total: 67_000_000_000,
          ram_free: 50_000_000_000,
          comfyui_version: '0.3.66',
          python_version: '3.12.3',
          embedded_python: false,
          argv: ['main.py'],
        },
        devices: [
          {
            name: 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync',
            type: 'cuda',
            index: 0,
            vram_total: 25_393_692_672,
            vram_free: 24_000_000_000,
            torch_vram_total: 0,
            torch_vram_free: 0,
          },
        ],
      });
    }
    return sendJson(response, 404, { error: `no route ${route}` });
  };

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    await routes(request, text ? JSON.parse(text) : undefined, response);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url!, 'http://comfyui');
    if (url.pathname !== '/ws' || behave.failing) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      // As ComfyUI: a client id reconnecting replaces its old socket.
      const clientId = url.searchParams.get('clientId') ?? crypto.randomUUID();
      sockets.set(clientId, ws);
      log.push(`socket opened ${clientId}`);
      ws.on('close', () => {
        log.push(`socket closed ${clientId}`);
        if (sockets.get(clientId) === ws) sockets.delete(clientId);
      });
      ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: pending.length } }, sid: clientId } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    timeline,
    frameSentAt,
    submitted,
    /** Behave differently from now on. */
    behave(next: ComfyUiBehaviour) {
      behave = next;
      dropped = false;
    },
    /** Resolves once the queue is empty and nothing runs. */
    async idle(): Promise<void> {
      while (running || pending.length > 0) await sleep(10);
    },
    async close(): Promise<void> {
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Nodes in the order ComfyUI runs them: each output node's inputs first, depth first. */
function executionOrder(workflow: Workflow): string[] {
  const order: string[] = [];
  const visit = (node: string) => {
    if (order.includes(node)) return;
    for (const value of Object.values(workflow[node]!.inputs)) {
      if (Array.isArray(value) && typeof value[0] === 'string' && Object.hasOwn(workflow, value[0])) visit(value[0]);
    }
    order.push(node);
  };
  for (const [node, { class_type }] of Object.entries(workflow)) if (outputClasses.has(class_type)) visit(node);
  return order;
}
