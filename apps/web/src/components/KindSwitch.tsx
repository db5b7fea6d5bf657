import { jobKinds } from '@atelier/contracts';
import type { JobKind } from '@atelier/contracts';
import { kindLabels } from '../lib/format.ts';

interface Props<K extends string> {
  legend: string;
  name: string;
  value: K;
  onChange: (value: K) => void;
  /** Extra choices before the kinds, e.g. `{ all: 'All' }` for a filter. */
  extra?: Partial<Record<K, string>>;
}

/** A segmented control made of native radio buttons: arrow keys move between kinds. */
export function KindSwitch<K extends string = JobKind>({ legend, name, value, onChange, extra }: Props<K>) {
  const options: [K, string][] = [
    ...(Object.entries(extra ?? {}) as [K, string][]),
    ...jobKinds.map((kind) => [kind as unknown as K, kindLabels[kind]] as [K, string]),
  ];
  return (
    <fieldset className="segmented">
      <legend className="sr-only">{legend}</legend>
      {options.map(([option, label]) => (
        <label key={option}>
          <input type="radio" name={name} value={option} checked={value === option} onChange={() => onChange(option)} />
          <span>{label}</span>
        </label>
      ))}
    </fieldset>
  );
}
