// Runs a dependency graph: a node starts once all its parents succeeded, at most `limit` at a time;
// when a node fails, everything that depends on it (directly or not) is not attempted.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';

/** What a node's work ends with: its result, and whether it succeeded (a failed node blocks its dependants). */
export interface WorkResult<R> {
  ok: boolean;
  result: R;
}

export type NodeOutcome<R> =
  | { status: 'done'; result: R }
  /** The work reported failure with its result, or threw `error` (then there is no result). */
  | { status: 'failed'; result: R; error: null }
  | { status: 'failed'; result: null; error: unknown }
  | { status: 'blocked'; by: string };

/** Throws naming a cycle when there is one. */
export function checkAcyclic(parents: Map<string, Set<string>>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(node)), node];
      throw new KeyloadError(ErrorCodes.usage, `The tables' foreign keys form a cycle: ${cycle.join(' -> ')}`, {
        hint: 'Load the tables of the cycle in separate runs, or defer the constraints.',
      });
    }
    state.set(node, 'visiting');
    for (const parent of parents.get(node) ?? []) visit(parent, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of parents.keys()) visit(node, []);
}

export async function runGraph<R>(
  nodes: string[],
  parents: Map<string, Set<string>>,
  limit: number,
  work: (node: string) => Promise<WorkResult<R>>,
): Promise<Map<string, NodeOutcome<R>>> {
  checkAcyclic(parents);
  const known = new Set(nodes);
  const parentsOf = (node: string) => [...(parents.get(node) ?? [])].filter((p) => known.has(p) && p !== node);
  const outcomes = new Map<string, NodeOutcome<R>>();
  const running = new Set<string>();
  return new Promise((resolve) => {
    const pump = () => {
      // Blocking a node can decide its children too: sweep until a pass changes nothing.
      for (let changed = true; changed; ) {
        changed = false;
        for (const node of nodes) {
          if (outcomes.has(node) || running.has(node)) continue;
          const mine = parentsOf(node);
          const broken = mine.find((p) => outcomes.has(p) && outcomes.get(p)?.status !== 'done');
          if (broken) {
            outcomes.set(node, { status: 'blocked', by: broken });
            changed = true;
          } else if (running.size < limit && mine.every((p) => outcomes.get(p)?.status === 'done')) {
            running.add(node);
            work(node)
              .then(
                ({ ok, result }) => outcomes.set(node, ok ? { status: 'done', result } : { status: 'failed', result, error: null }),
                (error: unknown) => outcomes.set(node, { status: 'failed', result: null, error }),
              )
              .finally(() => {
                running.delete(node);
                pump();
              });
          }
        }
      }
      if (running.size === 0) resolve(outcomes);
    };
    pump();
  });
}
