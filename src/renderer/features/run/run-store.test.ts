// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import type { FileProgress } from '../../../shared/load-types.ts';
import { createFakeApi } from '../../test/fake-api.ts';
import { counts } from '../../test/fixtures.ts';
import { RunStore } from './run-store.ts';

function progress(path: string, values: Partial<FileProgress>): FileProgress {
  return { path, stage: 'reading', bytesRead: 0, totalBytes: 1000, counts: counts({}), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0, ...values };
}

function setup() {
  const frames: (() => void)[] = [];
  let now = 0;
  const store = new RunStore({ schedule: (flush) => frames.push(flush), now: () => now });
  const fake = createFakeApi({});
  store.connect(fake.api);
  let notified = 0;
  store.subscribe(() => (notified += 1));
  return {
    store,
    fake,
    notified: () => notified,
    advance: (seconds: number) => (now += seconds * 1000),
    frame: () => frames.splice(0).forEach((flush) => flush()),
  };
}

describe('RunStore', () => {
  test('keeps events that arrive before the run is tracked, and tells listeners once per frame', () => {
    const { store, fake, notified, advance, frame } = setup();
    fake.emit('run.event', { runId: 'r', event: { type: 'run-started', runId: 'r', files: ['/a', '/b'], table: 't' } });
    advance(2);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { bytesRead: 400, counts: counts({ read: 40 }) }) } });
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/b', { bytesRead: 100, counts: counts({ read: 10, rejected: 1 }) }) } });
    store.track('r', ['/a', '/b']);
    expect(notified()).toBe(0);

    frame();

    expect(notified()).toBe(1);
    const run = store.getActive();
    expect(run?.files).toEqual(['/a', '/b']);
    // 500 of 2000 bytes in 2 s: 1500 bytes left at 250 bytes/s.
    expect(run?.totals).toEqual({ bytesRead: 500, totalBytes: 2000, counts: counts({ read: 50, rejected: 1 }), finishedFiles: 0, etaSeconds: 6 });
    expect(store.getFile('r', '/a')?.bytesRead).toBe(400);
  });

  test('a file row’s snapshot changes only with that file’s progress', () => {
    const { store, fake, frame } = setup();
    store.track('r', ['/a', '/b']);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { bytesRead: 1 }) } });
    const before = store.getFile('r', '/a');
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/b', { bytesRead: 1 }) } });
    frame();
    expect(store.getFile('r', '/a')).toBe(before);
  });

  test('ends with the result and the final status, without an ETA', () => {
    const { store, fake, frame } = setup();
    store.track('r', ['/a']);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { stage: 'done', bytesRead: 1000 }) } });
    fake.emit('run.finished', { runId: 'r', status: 'cancelled' });
    frame();
    expect(store.getActive()?.status).toBe('cancelled');
    expect(store.getActive()?.totals).toMatchObject({ finishedFiles: 1, etaSeconds: null });
  });
});
