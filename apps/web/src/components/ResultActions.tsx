import { useNavigate } from 'react-router';
import type { JobKind } from '@atelier/contracts';
import { useGenerate, useModels, useVaryAsset } from '../api/queries.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

const UPSCALER = 'atelier/esrgan-x2';
const ANIMATOR = 'atelier/image-pan';

/** What made a result: enough to vary it or to fill the create form with it. */
export interface ResultRecipe {
  kind: JobKind;
  model: string;
  prompt: string;
  params: Record<string, unknown>;
}

/** How the create page is opened to fill its form with a recipe (`Use prompt`). */
export interface CreatePageState {
  recipe: ResultRecipe;
}

interface Props {
  assetId: string;
  /** Null for an upload: nothing to vary or reuse, but it can still be upscaled or animated. */
  recipe: ResultRecipe | null;
  /** Called once a new job is submitted or the form is filled (the lightbox closes). */
  onDone?: () => void;
}

/**
 * What to do next with a finished picture: vary it, upscale it, animate it, or start again
 * from its prompt. Each new job shows on the create page, where this leads.
 */
export function ResultActions({ assetId, recipe, onDone }: Props) {
  const navigate = useNavigate();
  const models = useModels().data ?? [];
  const vary = useVaryAsset();
  const generate = useGenerate();
  const variations = models.find((model) => model.id === recipe?.model)?.variations ?? [];
  const offered = (id: string) => models.some((model) => model.id === id);
  const pending = vary.isPending || generate.isPending;
  const done = () => {
    onDone?.();
    navigate('/');
  };
  const fromInput = (kind: JobKind, model: string) =>
    generate.mutate({ kind, model, prompt: recipe?.prompt ?? 'Made from an upload', params: {}, inputs: { image: assetId } }, { onSuccess: done });

  return (
    <>
      <div className="job-actions">
        {variations.includes('strong') ? (
          <button
            type="button"
            className="button button-quiet"
            disabled={pending}
            onClick={() => vary.mutate({ assetId, variation: 'strong' }, { onSuccess: done })}
          >
            Vary
          </button>
        ) : null}
        {variations.includes('subtle') ? (
          <button
            type="button"
            className="button button-quiet"
            disabled={pending}
            onClick={() => vary.mutate({ assetId, variation: 'subtle' }, { onSuccess: done })}
          >
            Vary subtly
          </button>
        ) : null}
        {offered(UPSCALER) ? (
          <button type="button" className="button button-quiet" disabled={pending} onClick={() => fromInput('image', UPSCALER)}>
            Upscale ×2
          </button>
        ) : null}
        {offered(ANIMATOR) ? (
          <button type="button" className="button button-quiet" disabled={pending} onClick={() => fromInput('video', ANIMATOR)}>
            Animate
          </button>
        ) : null}
        {recipe ? (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              onDone?.();
              navigate('/', { state: { recipe } satisfies CreatePageState });
            }}
          >
            Use prompt
          </button>
        ) : null}
      </div>
      {vary.isError ? <ErrorNotice error={vary.error} /> : null}
      {generate.isError ? <ErrorNotice error={generate.error} /> : null}
    </>
  );
}
