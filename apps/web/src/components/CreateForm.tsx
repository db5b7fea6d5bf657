import { useEffect, useId, useState } from 'react';
import { useLocation } from 'react-router';
import type { FormEvent } from 'react';
import { costOfFormula, PROMPT_MAX_LENGTH } from '@atelier/contracts';
import type { JobKind, ModelView } from '@atelier/contracts';
import { useGenerate, useModels } from '../api/queries.ts';
import type { Me } from '../api/types.ts';
import { formatCredits } from '../lib/format.ts';
import { defaultInputs, paramFields, parseParams } from '../lib/paramFields.ts';
import type { ParamInputs } from '../lib/paramFields.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { KindSwitch } from './KindSwitch.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import { ParamsFields } from './ParamsFields.tsx';
import type { CreatePageState } from './ResultActions.tsx';
import { UpgradeButton } from './UpgradeButton.tsx';

const placeholders: Record<JobKind, string> = {
  image: 'A lighthouse on a basalt cliff at dusk, warm window light, long exposure sea',
  video: 'Slow pan across a misty pine forest at sunrise, light rays through the trees',
  voice: 'Welcome to Atelier. Type a prompt, and watch it take shape.',
};

export function CreateForm({ me }: { me: Me }) {
  const [kind, setKind] = useState<JobKind>('image');
  const [prompt, setPrompt] = useState('');
  /** The model chosen per kind (until one is, the kind's default), and the options typed per model. */
  const [chosen, setChosen] = useState<Partial<Record<JobKind, string>>>({});
  const [inputs, setInputs] = useState<Record<string, ParamInputs>>({});
  const models = useModels();
  const generate = useGenerate();
  const id = useId();
  const location = useLocation();

  // `Use prompt` on a result opens this page with its recipe: the form takes it once per visit.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the navigation, not on its state object
  useEffect(() => {
    const recipe = (location.state as CreatePageState | null)?.recipe;
    if (!recipe) return;
    setKind(recipe.kind);
    setPrompt(recipe.prompt);
    setChosen((all) => ({ ...all, [recipe.kind]: recipe.model }));
    const typed = Object.fromEntries(Object.entries(recipe.params).map(([name, value]) => [name, String(value)]));
    setInputs((all) => ({ ...all, [recipe.model]: typed }));
  }, [location.key]);

  // The form has no way to give a picture yet: a model that needs one (an upscaler) is not offered here.
  const ofKind = models.data?.filter((m) => m.kind === kind && !m.inputs.some((input) => input.required)) ?? [];
  const model: ModelView | undefined = ofKind.find((m) => m.id === chosen[kind]) ?? ofKind.find((m) => m.default) ?? ofKind[0];
  // A recipe names only the params its job had: the model's defaults fill the rest.
  const values = model ? { ...defaultInputs(model), ...inputs[model.id] } : {};
  const text = prompt.trim();
  const parsed = model ? parseParams(model, values) : null;
  const cost = model && parsed?.ok ? costOfFormula(kind, model.price, text, parsed.params) : null;
  const short = cost !== null && cost > me.credits;

  let reason: string | null = null;
  if (!model) reason = models.isError ? 'The models could not be loaded.' : 'Loading the models…';
  else if (!text) reason = 'Write a prompt to start.';
  else if (text.length > PROMPT_MAX_LENGTH) reason = `The prompt is ${text.length - PROMPT_MAX_LENGTH} characters too long.`;
  else if (!parsed?.ok) reason = 'Fix the options marked below.';
  else if (short) reason = `This needs ${formatCredits(cost)}; you have ${formatCredits(me.credits)}.`;
  else if (generate.isPending) reason = 'Sending…';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason || !model || !parsed?.ok) return;
    generate.mutate({ kind, model: model.id, prompt: text, params: parsed.params });
  };

  return (
    <form className="create panel" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <div className="create-head">
        <h1 id={`${id}-title`}>Create</h1>
        <KindSwitch legend="Kind of media" name="kind" value={kind} onChange={setKind} />
      </div>

      {model ? <ModelPicker models={ofKind} value={model.id} onChange={(modelId) => setChosen((all) => ({ ...all, [kind]: modelId }))} /> : null}

      <div className="field">
        <label htmlFor={`${id}-prompt`}>Prompt</label>
        <textarea
          id={`${id}-prompt`}
          name="prompt"
          rows={3}
          value={prompt}
          placeholder={placeholders[kind]}
          maxLength={PROMPT_MAX_LENGTH + 200}
          aria-describedby={`${id}-count`}
          onChange={(event) => setPrompt(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) event.currentTarget.form?.requestSubmit();
          }}
        />
        <span className="field-hint" id={`${id}-count`}>
          {text.length} / {PROMPT_MAX_LENGTH} characters
        </span>
      </div>

      <details className="options">
        <summary>Options</summary>
        {model ? (
          <ParamsFields
            fields={paramFields(model)}
            values={values}
            errors={parsed && !parsed.ok ? parsed.errors : {}}
            onChange={(name, value) => setInputs((all) => ({ ...all, [model.id]: { ...values, [name]: value } }))}
          />
        ) : null}
      </details>

      <div className="create-foot">
        <p className="cost" aria-live="polite">
          {cost !== null && model ? (
            <>
              Costs <strong>{formatCredits(cost)}</strong>
              <span className="cost-rule">
                {' '}
                ({model.price.base} + {model.price.perUnit} per {model.price.per})
              </span>
            </>
          ) : (
            'Cost shown once the options are valid'
          )}
        </p>
        <button type="submit" className="button button-primary" disabled={reason !== null} aria-describedby={`${id}-reason`}>
          Generate
        </button>
      </div>
      <p className={short ? 'submit-reason is-short' : 'submit-reason'} id={`${id}-reason`}>
        {reason}
        {short && me.plan === 'free' ? <UpgradeButton compact /> : null}
      </p>
      {generate.isError ? <ErrorNotice error={generate.error} /> : null}
    </form>
  );
}
