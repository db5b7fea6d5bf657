import { useId } from 'react';
import type { ParamField, ParamInputs } from '../lib/paramFields.ts';

interface Props {
  fields: ParamField[];
  values: ParamInputs;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

function optionLabel(field: string, option: string): string {
  if (field === 'voice') return languageNames.of(option) ?? option;
  if (field === 'format') return option.toUpperCase();
  return option;
}

/** One control per option of the chosen kind, with the limits the contracts allow. */
export function ParamsFields({ fields, values, errors, onChange }: Props) {
  const id = useId();
  return (
    <div className="params">
      {fields.map((field) => {
        const inputId = `${id}-${field.name}`;
        const errorId = `${inputId}-error`;
        const error = errors[field.name];
        const common = {
          id: inputId,
          name: field.name,
          value: values[field.name] ?? '',
          'aria-invalid': error ? true : undefined,
          'aria-describedby': error ? errorId : undefined,
        };
        return (
          <div className="field" key={field.name}>
            <label htmlFor={inputId}>{field.label}</label>
            {field.type === 'number' ? (
              <input
                {...common}
                type="number"
                inputMode={field.step === 1 ? 'numeric' : 'decimal'}
                min={field.min}
                max={field.max}
                step={field.step}
                placeholder={field.optional ? 'Random' : undefined}
                onChange={(event) => onChange(field.name, event.target.value)}
              />
            ) : (
              <select {...common} onChange={(event) => onChange(field.name, event.target.value)}>
                {field.optional ? <option value="">Default</option> : null}
                {field.options.map((option) => (
                  <option key={option} value={option}>
                    {optionLabel(field.name, option)}
                  </option>
                ))}
              </select>
            )}
            {error ? (
              <span className="field-error" id={errorId}>
                {error}
              </span>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
