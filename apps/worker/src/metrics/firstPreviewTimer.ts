import type { JobKind } from '@atelier/contracts';
import type { Engine } from '@atelier/engines';

/**
 * The engines as they are, except that the first preview one of them hands over calls
 * `onFirstPreview`, after the worker has announced it (so the time measured is the time
 * until a watcher can see it). Made per attempt; costs one object per engine.
 */
export function timeFirstPreview(engines: Record<JobKind, Engine>, onFirstPreview: () => void): Record<JobKind, Engine> {
  let seen = false;
  const wrap = (engine: Engine): Engine => ({
    kind: engine.kind,
    name: engine.name,
    generate: (input, ctx) =>
      engine.generate(input, {
        ...ctx,
        preview: async (image) => {
          await ctx.preview(image);
          if (seen) return;
          seen = true;
          onFirstPreview();
        },
      }),
  });
  return Object.fromEntries(Object.entries(engines).map(([kind, engine]) => [kind, wrap(engine)])) as Record<JobKind, Engine>;
}
