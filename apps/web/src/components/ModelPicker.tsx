import type { ModelView } from '@atelier/contracts';

interface Props {
  models: ModelView[];
  value: string;
  onChange: (id: string) => void;
}

const priceRule = (price: ModelView['price']) => `${price.base} + ${price.perUnit} per ${price.per}`;

/**
 * The models of one kind as native radio buttons (arrow keys move between them): each with
 * its name, its description (two lines at most, whole on hover), its price and whether a worker
 * serves it now. A model nobody serves can still be chosen: its job waits for one.
 */
export function ModelPicker({ models, value, onChange }: Props) {
  return (
    <fieldset className="model-picker">
      <legend>Model</legend>
      {models.map((model) => (
        <label key={model.id} className={model.id === value ? 'model-option is-chosen' : 'model-option'} title={model.description}>
          <input type="radio" name="model" value={model.id} checked={model.id === value} onChange={() => onChange(model.id)} />
          <span className="model-name">{model.name}</span>
          <span className="model-description">{model.description}</span>
          <span className="model-meta">
            <span className="model-price">{priceRule(model.price)} credits</span>
            <span className={model.available ? 'model-availability is-available' : 'model-availability'}>
              {model.available ? 'Available now' : 'No worker now: jobs wait'}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
