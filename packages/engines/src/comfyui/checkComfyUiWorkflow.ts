import { bindingProblems, bindingTargetOf } from './bindWorkflow.ts';
import { comfyUiHttp } from './comfyUiHttp.ts';
import { ApiWorkflow, type ObjectInfo } from './comfyUiProtocol.ts';

export interface ComfyUiWorkflowCheck {
  baseUrl: string;
  workflow: unknown;
  bindings: Record<string, string>;
  output: string;
  signal?: AbortSignal;
  requestTimeoutMs?: number;
}

/**
 * Every way a workflow does not fit the server it will run on, one line each naming the
 * binding or node (empty when it fits): node classes the server lacks (a custom node not
 * installed), and bindings that point at no node, or at an input its class does not take.
 * The worker calls this at start-up for each ComfyUI model and stops, naming them all. A
 * server that cannot be reached rejects with `provider_unavailable`.
 */
export async function checkComfyUiWorkflow({ baseUrl, workflow: raw, bindings, output, signal, requestTimeoutMs }: ComfyUiWorkflowCheck): Promise<string[]> {
  const parsed = ApiWorkflow.safeParse(raw);
  if (!parsed.success) return [`workflow: not in ComfyUI's API format: ${parsed.error.issues[0]?.message}`];
  const workflow = parsed.data;
  const classes = await comfyUiHttp({ baseUrl, requestTimeoutMs }).objectInfo(signal ?? new AbortController().signal);

  const problems = bindingProblems(workflow, bindings);
  if (!Object.hasOwn(workflow, output)) problems.push(`output: node ${output} is not in the workflow`);
  for (const [node, { class_type }] of Object.entries(workflow)) {
    if (!Object.hasOwn(classes, class_type)) problems.push(`workflow: node ${node} is a ${class_type}, which the ComfyUI at ${baseUrl} does not have`);
  }
  for (const [param, path] of Object.entries(bindings)) {
    const target = bindingTargetOf(path);
    const node = target && workflow[target.node];
    if (!target || !node || !Object.hasOwn(classes, node.class_type)) continue;
    if (!inputsOf(classes, node.class_type).has(target.input)) {
      problems.push(`bindings.${param}: "${path}" names input "${target.input}", which node ${target.node} (${node.class_type}) does not take`);
    }
  }
  return problems;
}

function inputsOf(classes: ObjectInfo, classType: string): Set<string> {
  const { required = {}, optional = {} } = classes[classType]!.input;
  return new Set([...Object.keys(required), ...Object.keys(optional)]);
}
