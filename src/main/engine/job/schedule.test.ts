import { expect, test } from 'vitest';
import { checkAcyclic, runGraph } from './schedule.ts';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

test('parents finish before children start, independent nodes overlap, and the limit holds', async () => {
  const parents = graph({ orders: ['customers', 'products'], customers: [], products: [], lines: ['orders', 'products'], audit: [] });
  const events: string[] = [];
  let running = 0;
  let peak = 0;
  const outcomes = await runGraph([...parents.keys()], parents, 2, async (node) => {
    running++;
    peak = Math.max(peak, running);
    events.push(`start ${node}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push(`end ${node}`);
    running--;
    return { ok: true, result: node.length };
  });
  const at = (e: string) => events.indexOf(e);
  expect(at('start orders')).toBeGreaterThan(Math.max(at('end customers'), at('end products')));
  expect(at('start lines')).toBeGreaterThan(at('end orders'));
  expect(at('start products')).toBeLessThan(at('end customers')); // ran side by side
  expect(peak).toBe(2);
  expect(outcomes.get('lines')).toEqual({ status: 'done', result: 5 });
});

test('a failed parent blocks its descendants, and unrelated nodes still run', async () => {
  const parents = graph({ a: [], b: ['a'], c: ['b'], d: [] });
  const outcomes = await runGraph([...parents.keys()], parents, 4, async (node) => {
    if (node === 'a') throw new Error('a broke');
    return { ok: true, result: node };
  });
  expect(outcomes.get('a')?.status).toBe('failed');
  expect(outcomes.get('b')).toEqual({ status: 'blocked', by: 'a' });
  expect(outcomes.get('c')).toEqual({ status: 'blocked', by: 'b' });
  expect(outcomes.get('d')).toEqual({ status: 'done', result: 'd' });
});

test('work that reports failure keeps its result and blocks its descendants, as a throw does', async () => {
  const parents = graph({ a: [], b: ['a'], c: [] });
  const outcomes = await runGraph([...parents.keys()], parents, 2, async (node) => ({ ok: node !== 'a', result: `${node} ran` }));
  expect(outcomes.get('a')).toEqual({ status: 'failed', result: 'a ran', error: null });
  expect(outcomes.get('b')).toEqual({ status: 'blocked', by: 'a' });
  expect(outcomes.get('c')).toEqual({ status: 'done', result: 'c ran' });
});

test('a cycle is a clear error naming it', () => {
  expect(() => checkAcyclic(graph({ a: ['c'], b: ['a'], c: ['b'], d: [] }))).toThrow(/cycle: (a -> c -> b -> a|c -> b -> a -> c|b -> a -> c -> b)/);
});
