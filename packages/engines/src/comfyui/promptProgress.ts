import type { ApiWorkflow } from './comfyUiProtocol.ts';

/**
 * How far a prompt has run, 0–1, across its nodes. A node that samples weighs its steps (its
 * `steps` input, corrected by the `max` of its own progress messages); any other node weighs
 * one, so a picture's sampling fills most of the bar and a loader or decoder a sliver. Cached
 * nodes count as done at once.
 */
export function promptProgress(workflow: ApiWorkflow) {
  const weights = new Map<string, number>();
  for (const [node, { inputs }] of Object.entries(workflow)) {
    const steps = inputs.steps;
    weights.set(node, typeof steps === 'number' && steps >= 1 ? steps : 1);
  }
  const done = new Map<string, number>();
  let current: string | undefined;

  const finish = (node: string | undefined) => {
    if (node !== undefined && weights.has(node)) done.set(node, weights.get(node)!);
  };
  return {
    cached(nodes: string[]) {
      for (const node of nodes) finish(node);
    },
    /** `executing`: the node before is done; null means the prompt is. */
    executing(node: string | null) {
      finish(current);
      current = node ?? undefined;
      if (node === null) for (const key of weights.keys()) finish(key);
    },
    stepped(node: string | null | undefined, value: number, max: number) {
      const at = node ?? current;
      if (at === undefined || !weights.has(at) || max <= 0) return;
      weights.set(at, max);
      done.set(at, Math.min(max, value));
    },
    executed(node: string) {
      finish(node);
    },
    fraction(): number {
      let total = 0;
      let reached = 0;
      for (const [node, weight] of weights) {
        total += weight;
        reached += done.get(node) ?? 0;
      }
      return total === 0 ? 0 : reached / total;
    },
  };
}
