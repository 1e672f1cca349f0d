// A whole-number input that lets the user type freely and reports only valid values. The input is as
// wide as its digits, with the allowed range beside it.
import { useId, useState } from 'react';

interface NumberFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
}

export function NumberField({ label, value, min, max, onChange }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  const [reported, setReported] = useState(value);
  const id = useId();
  const hintId = `${id}-hint`;
  // A value set from outside (e.g. "Use recommended") replaces what was typed.
  if (value !== reported) {
    setReported(value);
    setText(String(value));
  }
  const inRange = (candidate: string) => candidate.trim() !== '' && Number.isInteger(Number(candidate)) && Number(candidate) >= min && Number(candidate) <= max;
  const valid = inRange(text);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="number-field-row">
        <input
          id={id}
          type="number"
          min={min}
          max={max}
          step={1}
          value={text}
          aria-invalid={!valid}
          aria-describedby={hintId}
          onChange={(event) => {
            const next = event.target.value;
            setText(next);
            if (inRange(next)) {
              setReported(Number(next));
              onChange(Number(next));
            }
          }}
        />
        <span id={hintId} className={valid ? 'muted' : 'text-error'}>
          {min} to {max}
        </span>
      </div>
    </div>
  );
}
