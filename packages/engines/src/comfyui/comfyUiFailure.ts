import { JobError } from '@atelier/contracts';
import { failureForStatus, providerUnreachable } from '../providers/providerFailure.ts';
import type { ExecutionError, PromptRefusal } from './comfyUiProtocol.ts';

export const provider = 'ComfyUI';

/** fetch's own failures (refused, reset, DNS) are TypeErrors: the server is not there. */
export function comfyUiFailure(error: unknown): JobError | undefined {
  if (error instanceof TypeError) return providerUnreachable(provider, causeOf(error), error);
  return undefined;
}

/** A status ComfyUI answered that the call does not expect. 5xx is retryable; a 4xx is a request we got wrong. */
export function comfyUiStatusFailure(status: number, body: string): JobError {
  return failureForStatus(provider, status, body.slice(0, 500) || 'no body', false);
}

/**
 * A workflow ComfyUI refused: its own words, per node. Not retryable: the same workflow is
 * refused again anywhere.
 */
export function promptRefused(refusal: PromptRefusal): JobError {
  const said = typeof refusal.error === 'string' ? refusal.error : [refusal.error?.message, refusal.error?.details].filter(Boolean).join(': ');
  const nodes = Array.isArray(refusal.node_errors) ? [] : Object.entries(refusal.node_errors ?? {});
  const perNode = nodes.flatMap(([node, { class_type, errors }]) =>
    errors.map(({ message, details }) => `node ${node}${class_type ? ` (${class_type})` : ''}: ${message}${details ? `: ${details}` : ''}`),
  );
  return new JobError('engine_failed', `ComfyUI refused the workflow: ${[said || 'no reason given', ...perNode].join('; ')}`);
}

/** A node that raised while the prompt ran: ComfyUI's exception, named by its node. */
export function executionFailed(error: ExecutionError): JobError {
  const where = error.node_id ? ` in node ${error.node_id}${error.node_type ? ` (${error.node_type})` : ''}` : '';
  const what = [error.exception_type, error.exception_message?.trim()].filter(Boolean).join(': ') || 'no message';
  return new JobError('engine_failed', `ComfyUI failed${where}: ${what}`);
}

function causeOf(error: TypeError): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}
