import type { ApiWorkflow } from './comfyUiProtocol.ts';

/** Where a param goes: `"<node id>.inputs.<input name>"`, as a catalog entry's `bindings` spell it. */
export interface BindingTarget {
  node: string;
  input: string;
}

const bindingPattern = /^([^.]+)\.inputs\.(.+)$/;

export function bindingTargetOf(path: string): BindingTarget | undefined {
  const match = bindingPattern.exec(path);
  return match ? { node: match[1]!, input: match[2]! } : undefined;
}

/**
 * What is wrong with each binding against the workflow itself: a path not of the form
 * `<node>.inputs.<name>`, or a node the workflow does not have. (Whether the node's class
 * takes that input only the server knows: `checkComfyUiWorkflow`.)
 */
export function bindingProblems(workflow: ApiWorkflow, bindings: Record<string, string>): string[] {
  return Object.entries(bindings).flatMap(([param, path]) => {
    const target = bindingTargetOf(path);
    if (!target) return [`bindings.${param}: "${path}" is not of the form "<node id>.inputs.<input name>"`];
    if (!Object.hasOwn(workflow, target.node)) return [`bindings.${param}: "${path}" points at node ${target.node}, which the workflow does not have`];
    return [];
  });
}

/**
 * A copy of the workflow with each bound value in its node's input. Params the job does not
 * have (undefined) leave the workflow's own value; the original is never changed, since one
 * workflow serves every job of its model.
 */
export function bindWorkflow(workflow: ApiWorkflow, bindings: Record<string, string>, values: Record<string, unknown>): ApiWorkflow {
  const bound = structuredClone(workflow);
  for (const [param, path] of Object.entries(bindings)) {
    const value = values[param];
    const target = bindingTargetOf(path);
    if (value === undefined || !target) continue;
    const node = bound[target.node];
    if (!node) continue;
    node.inputs[target.input] = value;
  }
  return bound;
}
