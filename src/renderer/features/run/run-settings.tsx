// How much runs at once, with what the server can take as a guide.
import { skipToken, useQuery } from '@tanstack/react-query';
import { LOAD_BOUNDS } from '../../../shared/vocabulary.ts';
import { useApi } from '../../api/transport-context.tsx';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { Loading } from '../../ui/states.tsx';
import { NumberField } from '../../ui/number-field.tsx';
import type { ChosenConnection } from '../target/connection.ts';
import { targetKeys } from '../target/keys.ts';

export function RunSettings({ chosen }: { chosen: ChosenConnection | null }) {
  const { concurrency, internalConcurrency } = useDraft();
  const dispatch = useDraftDispatch();
  return (
    <>
      <div className="field-grid">
        <NumberField
          label="Concurrency (files at once)"
          value={concurrency}
          min={LOAD_BOUNDS.concurrency.min}
          max={LOAD_BOUNDS.concurrency.max}
          onChange={(value) => dispatch({ type: 'concurrency-changed', concurrency: value, internalConcurrency })}
        />
        <NumberField
          label="Internal concurrency (connections per file)"
          value={internalConcurrency}
          min={LOAD_BOUNDS.internalConcurrency.min}
          max={LOAD_BOUNDS.internalConcurrency.max}
          onChange={(value) => dispatch({ type: 'concurrency-changed', concurrency, internalConcurrency: value })}
        />
      </div>
      {chosen && <Recommendation chosen={chosen} />}
    </>
  );
}

function Recommendation({ chosen }: { chosen: ChosenConnection }) {
  const api = useApi();
  const dispatch = useDraftDispatch();
  const { ref } = chosen;
  const test = useQuery({ queryKey: targetKeys.serverTest(chosen.scope), queryFn: ref ? () => api['connections.test'](ref) : skipToken });
  if (!ref) return <p className="muted">Enter the connection's password on the Target screen to get a recommendation.</p>;
  if (test.isPending) return <Loading>Checking {chosen.connection.name}…</Loading>;
  if (test.isError) return <ErrorNotice error={test.error} title={`Could not reach ${chosen.connection.name}`} />;
  const { recommended, freeConnections, serverVersion } = test.data;
  return (
    <p className="recommendation">
      Recommended for this server: concurrency {recommended.concurrency}, internal concurrency {recommended.internalConcurrency} ({freeConnections} free connections, PostgreSQL{' '}
      {serverVersion}).{' '}
      <button type="button" className="button-quiet" onClick={() => dispatch({ type: 'concurrency-changed', ...recommended })}>
        Use recommended
      </button>
    </p>
  );
}
