// The app shell: the stepper across the top, the current screen below it.
import { useEffect, useRef, useState } from 'react';
import type { Transport } from '../api/transport.ts';
import { FilesScreen } from '../features/files/files-screen.tsx';
import { HistoryScreen } from '../features/history/history-screen.tsx';
import { PlanScreen } from '../features/plan/plan-screen.tsx';
import { RunScreen } from '../features/run/run-screen.tsx';
import { useActiveRun } from '../features/run/run-store-context.tsx';
import { TargetScreen } from '../features/target/target-screen.tsx';
import { AppProviders } from './providers.tsx';
import type { Screen } from './step-states.ts';
import { Stepper } from './stepper.tsx';

export function App({ transport }: { transport: Transport }) {
  return (
    <AppProviders transport={transport}>
      <Shell />
    </AppProviders>
  );
}

function Shell() {
  const [screen, setScreen] = useState<Screen>('files');
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  // After a screen change, move focus to its heading so keyboard and screen reader users land there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.querySelector('h1')?.focus();
  }, [screen]);
  // A run found going on (the page was reloaded mid-run) opens the Run screen, once per run.
  const run = useActiveRun();
  const runId = run?.status === 'running' ? run.runId : null;
  useEffect(() => {
    if (runId) setScreen('run');
  }, [runId]);

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">Keyload</span>
          <span className="brand-tagline">CSV and Parquet into PostgreSQL</span>
        </div>
        <Stepper current={screen} onNavigate={setScreen} />
      </header>
      <main ref={mainRef} className="screen">
        {screen === 'files' && <FilesScreen onContinue={() => setScreen('target')} />}
        {screen === 'target' && <TargetScreen onContinue={() => setScreen('preview')} />}
        {screen === 'preview' && <PlanScreen onContinue={() => setScreen('run')} onNavigate={setScreen} />}
        {screen === 'run' && <RunScreen />}
        {screen === 'history' && <HistoryScreen onRunStarted={() => setScreen('run')} />}
      </main>
    </div>
  );
}
