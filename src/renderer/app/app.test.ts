// @vitest-environment happy-dom
import '../vitest.setup.ts';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { expect, test } from 'vitest';
import { createFakeApi } from '../test/fake-api.ts';
import { App } from './app.tsx';

test('the navigation switches screens and shows the screens still to come as disabled', async () => {
  const fake = createFakeApi({ 'runs.list': async () => [], 'connections.list': async () => [] });
  const user = userEvent.setup();
  render(createElement(App, { transport: { api: fake.api, addDroppedFiles: async () => [] } }));
  const nav = screen.getByRole('navigation', { name: 'Screens' });

  expect(within(nav).getByRole('button', { name: 'Files' }).getAttribute('aria-current')).toBe('page');
  expect((within(nav).getByRole('button', { name: 'Preview coming soon' }) as HTMLButtonElement).disabled).toBe(true);
  expect((within(nav).getByRole('button', { name: 'Report coming soon' }) as HTMLButtonElement).disabled).toBe(true);

  await user.click(within(nav).getByRole('button', { name: 'History' }));

  expect(screen.getByRole('heading', { level: 1, name: 'History' })).toBe(document.activeElement);
  expect(await screen.findByText('No runs yet')).toBeTruthy();
});
