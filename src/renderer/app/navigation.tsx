// The screens, in the order a load is put together, plus those still to come.
import { useDraft } from '../draft/draft-context.tsx';

export type Screen = 'files' | 'target' | 'run' | 'history';

const screens: { id: Screen; label: string }[] = [
  { id: 'files', label: 'Files' },
  { id: 'target', label: 'Target and mapping' },
  { id: 'run', label: 'Run' },
  { id: 'history', label: 'History' },
];

const comingSoon = ['Preview', 'Report'];

export function Navigation({ current, onNavigate }: { current: Screen; onNavigate: (screen: Screen) => void }) {
  const { files } = useDraft();
  return (
    <nav aria-label="Screens" className="nav">
      <ul>
        {screens.map(({ id, label }) => (
          <li key={id}>
            <button type="button" aria-current={id === current ? 'page' : undefined} onClick={() => onNavigate(id)}>
              {label}
              {id === 'files' && files.length > 0 && <span className="nav-count"> ({files.length})</span>}
            </button>
          </li>
        ))}
        {comingSoon.map((label) => (
          <li key={label}>
            <button type="button" disabled>
              {label} <span className="nav-soon">coming soon</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
