// Shared set-up for the renderer's component tests. The root vitest config lists no setup files,
// so each renderer test imports this file first.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(cleanup);

// happy-dom does no layout: give scroll boxes a size so virtualized lists render their rows.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
