// A progress bar with a visible label and its value in words, for eyes and screen readers alike.
import { useId } from 'react';

interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
  /** The value as people read it: "3.2 MB of 10 MB, 32%". */
  valueText: string;
}

export function ProgressBar({ label, value, max, valueText }: ProgressBarProps) {
  const id = useId();
  return (
    <div className="progress-bar">
      <div className="progress-bar-label">
        <span id={id}>{label}</span>
        <span className="num muted">{valueText}</span>
      </div>
      <progress aria-labelledby={id} aria-valuetext={valueText} max={max} value={value} />
    </div>
  );
}
