import type { Engine, Engines } from '@atelier/engines';

/**
 * The engines as they are, except that the first preview one of them hands over calls
 * `onFirstPreview`, after the worker has announced it (so the time measured is the time
 * until a watcher can see it). Made per attempt; costs one object per engine.
 */
export function timeFirstPreview(engines: Engines, onFirstPreview: () => void): Engines {
  let seen = false;
  const wrap = (engine: Engine): Engine => ({
    ...engine,
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
  return new Map([...engines].map(([model, engine]) => [model, wrap(engine)]));
}
