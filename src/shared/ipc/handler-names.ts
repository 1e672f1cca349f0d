// The contract's request names on their own, without zod, for the sandboxed preload (which can
// load nothing but electron). contract.ts checks that its handlers match this list exactly.
export const handlerNames = [
  'system.info',
  'connections.list',
  'connections.save',
  'connections.remove',
  'connections.test',
  'connections.local',
  'files.inspect',
  'files.preview',
  'files.proposeColumns',
  'tables.list',
  'tables.describe',
  'mapping.suggest',
  'profiles.list',
  'profiles.save',
  'runs.start',
  'runs.check',
  'runs.cancel',
  'runs.active',
  'runs.list',
  'runs.get',
  'runs.rejects',
  'runs.revealRejects',
  'runs.saveRejects',
  'preview.open',
  'preview.summary',
  'preview.conflicts',
  'preview.close',
  'preview.saveConflicts',
] as const;

export type HandlerName = (typeof handlerNames)[number];
