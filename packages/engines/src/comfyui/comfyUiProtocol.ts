import { z } from 'zod';

/**
 * The parts of ComfyUI's HTTP and WebSocket API that the engine reads (server.py and
 * execution.py of comfyanonymous/ComfyUI). Unknown fields pass: ComfyUI adds fields often.
 */

/** A node of a workflow in ComfyUI's API format: `{ "<node id>": { class_type, inputs } }`. */
export const ApiWorkflow = z.record(z.string(), z.looseObject({ class_type: z.string(), inputs: z.record(z.string(), z.unknown()) }));
export type ApiWorkflow = z.infer<typeof ApiWorkflow>;

/** A file a node saved, as `executed` and `/history` name it; `/view` serves it by these three fields. */
export const SavedFile = z.looseObject({ filename: z.string(), subfolder: z.string().default(''), type: z.string().default('output') });
export type SavedFile = z.infer<typeof SavedFile>;

/** What an output node shows: lists of files under names such as `images`, `gifs`, `videos`, `audio`. */
export const NodeOutput = z.record(z.string(), z.unknown());
export type NodeOutput = z.infer<typeof NodeOutput>;

export const QueuedPrompt = z.looseObject({ prompt_id: z.string(), number: z.number() });

/** `node_errors` of a refused prompt: per node, what is wrong with which input. */
const NodeError = z.looseObject({
  class_type: z.string().optional(),
  errors: z.array(z.looseObject({ message: z.string(), details: z.string().optional() })).default([]),
});
/** A 400 from `POST /prompt`. Old servers send `error` as a string. */
export const PromptRefusal = z.looseObject({
  error: z.union([z.string(), z.looseObject({ message: z.string(), details: z.string().optional() })]).optional(),
  node_errors: z.union([z.record(z.string(), NodeError), z.array(z.unknown())]).optional(),
});
export type PromptRefusal = z.infer<typeof PromptRefusal>;

/** The data of `execution_error`. */
export const ExecutionError = z.looseObject({
  prompt_id: z.string(),
  node_id: z.string().nullish(),
  node_type: z.string().nullish(),
  exception_type: z.string().optional(),
  exception_message: z.string().optional(),
});
export type ExecutionError = z.infer<typeof ExecutionError>;

/** Text messages on `/ws`, the ones a prompt's life is told by. */
export const SocketMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('execution_start'), data: z.looseObject({ prompt_id: z.string() }) }),
  z.object({ type: z.literal('execution_cached'), data: z.looseObject({ prompt_id: z.string(), nodes: z.array(z.string()) }) }),
  z.object({ type: z.literal('executing'), data: z.looseObject({ prompt_id: z.string(), node: z.string().nullable() }) }),
  z.object({ type: z.literal('progress'), data: z.looseObject({ prompt_id: z.string(), node: z.string().nullish(), value: z.number(), max: z.number() }) }),
  z.object({ type: z.literal('executed'), data: z.looseObject({ prompt_id: z.string(), node: z.string(), output: NodeOutput.nullable() }) }),
  z.object({ type: z.literal('execution_success'), data: z.looseObject({ prompt_id: z.string() }) }),
  z.object({ type: z.literal('execution_error'), data: ExecutionError }),
  z.object({ type: z.literal('execution_interrupted'), data: z.looseObject({ prompt_id: z.string() }) }),
]);
export type SocketMessage = z.infer<typeof SocketMessage>;

/** `GET /history/{prompt_id}`: `{}` until the prompt has finished, then its outputs and status. */
export const PromptHistory = z.record(
  z.string(),
  z.looseObject({
    outputs: z.record(z.string(), NodeOutput).default({}),
    status: z
      .looseObject({
        status_str: z.string().optional(),
        completed: z.boolean().optional(),
        messages: z.array(z.tuple([z.string(), z.unknown()])).default([]),
      })
      .optional(),
  }),
);
export type PromptHistory = z.infer<typeof PromptHistory>;

/** `GET /queue`: entries are `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
export const PromptQueue = z.looseObject({
  queue_running: z.array(z.array(z.unknown())).default([]),
  queue_pending: z.array(z.array(z.unknown())).default([]),
});

/** `GET /object_info`: per node class, its inputs by section. */
export const ObjectInfo = z.record(
  z.string(),
  z.looseObject({
    input: z
      .looseObject({
        required: z.record(z.string(), z.unknown()).optional(),
        optional: z.record(z.string(), z.unknown()).optional(),
        hidden: z.record(z.string(), z.unknown()).optional(),
      })
      .default({}),
  }),
);
export type ObjectInfo = z.infer<typeof ObjectInfo>;

/** `GET /system_stats`. */
export const SystemStats = z.looseObject({
  system: z.looseObject({ comfyui_version: z.string().optional(), os: z.string().optional() }).default({}),
  devices: z.array(z.looseObject({ name: z.string(), type: z.string(), vram_total: z.number().optional(), vram_free: z.number().optional() })).default([]),
});
