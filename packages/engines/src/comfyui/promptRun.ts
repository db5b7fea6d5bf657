import { JobError } from '@atelier/contracts';
import type { ComfyUiHttp } from './comfyUiHttp.ts';
import { providerUnreachable } from '../providers/providerFailure.ts';
import { executionFailed, provider } from './comfyUiFailure.ts';
import { type ApiWorkflow, ExecutionError, type NodeOutput, type SocketMessage } from './comfyUiProtocol.ts';
import type { ComfyUiSocket } from './comfyUiSocket.ts';
import type { PreviewFrame } from './previewFrame.ts';
import { promptProgress } from './promptProgress.ts';

/** Where a followed prompt reports to: the job that runs it, once it is attached. */
export interface PromptSink {
  progress(fraction: number): void;
  preview(frame: PreviewFrame): void;
}

type Outcome = { state: 'pending' } | { state: 'succeeded'; output: NodeOutput } | { state: 'failed'; error: Error };

export interface PromptRunOptions {
  http: ComfyUiHttp;
  socket: ComfyUiSocket;
  promptId: string;
  workflow: ApiWorkflow;
  outputNode: string;
}

/**
 * One prompt's life in ComfyUI, heard from the moment it is submitted (a prompt submitted
 * ahead may start before its job attaches): its progress, its previews, and its outcome, the
 * output node's files or ComfyUI's error. After a dropped socket, and after a finish that did
 * not name the output, `/history` says what happened.
 */
export function promptRun({ http, socket, promptId, workflow, outputNode }: PromptRunOptions) {
  const progress = promptProgress(workflow);
  let outcome: Outcome = { state: 'pending' };
  let output: NodeOutput | undefined;
  let sink: PromptSink | undefined;
  const waiters: Array<() => void> = [];
  /** A history read is not tied to a job's signal: the prompt's outcome is read once, for whoever waits. */
  const historySignal = new AbortController();

  const settle = (next: Outcome) => {
    if (outcome.state !== 'pending') return;
    outcome = next;
    stopListening();
    for (const wake of waiters.splice(0)) wake();
  };
  const succeed = (result: NodeOutput) => settle({ state: 'succeeded', output: result });
  const fail = (error: Error) => settle({ state: 'failed', error });

  /** What `/history` says of the prompt, if it has finished; undefined while it waits or runs (or is unknown). */
  const settleFromHistory = async (): Promise<boolean> => {
    const entry = await http.history(historySignal.signal, promptId);
    if (!entry) return false;
    const failed = entry.status?.messages.find(([type]) => type === 'execution_error');
    if (failed) fail(executionFailed(ExecutionError.parse(failed[1])));
    else if (entry.status?.messages.some(([type]) => type === 'execution_interrupted')) fail(interrupted());
    else if (entry.outputs[outputNode] ?? output) succeed((entry.outputs[outputNode] ?? output)!);
    else fail(new JobError('invalid_output', `ComfyUI finished the prompt without an output from node ${outputNode}.`));
    return true;
  };
  const readHistory = () => settleFromHistory().catch(fail);

  /**
   * After a drop: finished meanwhile (history), still queued or running (go on listening), or
   * unknown to a server that restarted, which will never run it: unavailable, so the job is
   * retried. History is read again after the queue, in case it finished in between.
   */
  const recoverAfterDrop = async () => {
    if (await settleFromHistory()) return;
    if ((await http.placeOf(historySignal.signal, promptId)) !== 'gone' || (await settleFromHistory())) return;
    fail(providerUnreachable(provider, `it no longer knows prompt ${promptId} (restarted?)`));
  };

  const onMessage = (message: SocketMessage) => {
    switch (message.type) {
      case 'execution_cached':
        progress.cached(message.data.nodes);
        break;
      case 'executing':
        progress.executing(message.data.node);
        // Servers before `execution_success` end a prompt with this alone.
        if (message.data.node === null) void readHistory();
        break;
      case 'progress':
        progress.stepped(message.data.node, message.data.value, message.data.max);
        break;
      case 'executed':
        progress.executed(message.data.node);
        if (message.data.node === outputNode && message.data.output) output = message.data.output;
        break;
      case 'execution_success':
        // An output node served from cache may not say `executed`: its files are in the history.
        if (output) succeed(output);
        else void readHistory();
        return;
      case 'execution_error':
        return fail(executionFailed(message.data));
      case 'execution_interrupted':
        return fail(interrupted());
      default:
        return;
    }
    sink?.progress(progress.fraction());
  };

  const stopListening = socket.listen(promptId, {
    message: onMessage,
    preview: (frame) => sink?.preview(frame),
    reconnected: () => void recoverAfterDrop().catch(fail),
    lost: fail,
  });

  return {
    promptId,
    /** From now on progress and previews go to `to`; it hears at once how far the prompt is. */
    attach(to: PromptSink): void {
      sink = to;
      to.progress(progress.fraction());
    },
    /** The output node's files, or ComfyUI's error. */
    async outcome(): Promise<NodeOutput> {
      if (outcome.state === 'pending') await new Promise<void>((wake) => waiters.push(wake));
      const settled = outcome as Exclude<Outcome, { state: 'pending' }>;
      if (settled.state === 'failed') throw settled.error;
      return settled.output;
    },
    /** Stop following: the prompt was canceled, or its job ended. */
    dispose(): void {
      sink = undefined;
      stopListening();
      historySignal.abort(new Error('the prompt is no longer followed'));
    },
  };
}

export type PromptRun = ReturnType<typeof promptRun>;

function interrupted(): JobError {
  return new JobError('engine_failed', 'ComfyUI interrupted the prompt (someone stopped it on the server).');
}
