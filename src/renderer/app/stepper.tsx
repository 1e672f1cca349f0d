// The steps of a load across the top (Files -> Target and mapping -> Preview -> Run), each with its
// state in words, and History beside them. A step's name is its label alone; its state is the
// button's description. Every step stays reachable: going back to change
// something is normal, and each screen says what it still needs.
import { useDraft } from '../draft/draft-context.tsx';
import { useActiveRun } from '../features/run/run-store-context.tsx';
import { stepStates, steps, type Screen, type StepState } from './step-states.ts';

const icons: Record<StepState['kind'], string> = { done: '✓', attention: '!', running: '…', todo: '', unavailable: '' };
const kindText: Record<StepState['kind'], string> = { done: 'done', attention: 'needs attention', running: 'in progress', todo: 'to do', unavailable: 'not yet available' };

export function Stepper({ current, onNavigate }: { current: Screen; onNavigate: (screen: Screen) => void }) {
  const states = stepStates(useDraft(), useActiveRun());
  return (
    <nav aria-label="Screens" className="stepper">
      <ol className="steps">
        {steps.map(({ id, label }, index) => {
          const state = states[id];
          const isCurrent = id === current;
          return (
            <li key={id} className={`step step-${state.kind}${isCurrent ? ' step-current' : ''}`}>
              <button type="button" aria-current={isCurrent ? 'step' : undefined} aria-labelledby={`step-label-${id}`} aria-describedby={`step-state-${id}`} onClick={() => onNavigate(id)}>
                <span className="step-marker" aria-hidden="true">
                  {icons[state.kind] || index + 1}
                </span>
                <span className="step-text">
                  <span id={`step-label-${id}`} className="step-label">
                    {label}
                  </span>
                  <span id={`step-state-${id}`} className="step-state">
                    <span className="visually-hidden">{isCurrent ? 'current step, ' : ''}{kindText[state.kind]}: </span>
                    {state.text}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
      <button type="button" className="history-link" aria-current={current === 'history' ? 'page' : undefined} onClick={() => onNavigate('history')}>
        History
      </button>
    </nav>
  );
}
