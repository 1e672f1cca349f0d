// @vitest-environment happy-dom
import '../vitest.setup.ts';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement as h, Fragment, useState } from 'react';
import { expect, test } from 'vitest';
import { ErrorCodes, type ErrorInfo } from '../../shared/errors.ts';
import { encodeBridgeError } from '../../shared/ipc/envelope.ts';
import { ApiError } from '../api/api-error.ts';
import { ErrorNotice } from './error-notice.tsx';
import { ErrorPanel } from './error-panel.tsx';

test('shows the message, what to do in the app, and the code with the location for support, never the CLI hint', () => {
  const info: ErrorInfo = { code: ErrorCodes.keyMissing, message: 'public.t has no primary key', hint: 'pass --key a,b', file: '/data/a.csv', line: 3, column: 'id' };
  render(h(ErrorPanel, { error: info, title: 'The run did not start' }));
  const panel = screen.getByRole('alert', { name: 'The run did not start' });

  expect(within(panel).getByText('public.t has no primary key')).toBeTruthy();
  expect(panel.textContent).toContain('What to do: Choose a key column on the Target and mapping step');
  expect(within(panel).getByText('Code KEYLOAD_KEY_MISSING · /data/a.csv:3 · column id')).toBeTruthy();
  expect(panel.textContent).not.toContain('--key');
  expect(panel.textContent).not.toContain('pass');
});

test('advice for an existing table, for a SQLSTATE class, and none for an unknown code', () => {
  const { rerender } = render(h(ErrorPanel, { error: new ApiError({ code: 'KEYLOAD_TABLE_EXISTS', message: 'public.customers already exists' }), title: 'Cannot create' }));
  expect(screen.getByRole('alert').textContent).toContain('Choose the existing table as the target, or give the new table another name');

  rerender(h(ErrorPanel, { error: new ApiError({ code: '08006', message: 'connection lost' }), title: 'Lost' }));
  expect(screen.getByRole('alert').textContent).toContain('check that the server is running');

  rerender(h(ErrorPanel, { error: new ApiError({ code: 'KEYLOAD_SOMETHING_NEW', message: 'odd' }), title: 'Odd' }));
  expect(screen.getByRole('alert').textContent).not.toContain('What to do');
  expect(screen.getByRole('alert').textContent).toContain('Code KEYLOAD_SOMETHING_NEW');
});

test('an error from the Electron preload keeps its code and location', () => {
  const bridged = new Error(encodeBridgeError({ code: ErrorCodes.rowRejected, message: 'not an integer', file: 'b.csv', line: 9 }));
  render(h(ErrorPanel, { error: bridged, title: 'Rejected' }));
  expect(screen.getByRole('alert').textContent).toContain('Code KEYLOAD_ROW_REJECTED · b.csv:9');
});

test('nothing is shown without an error, and Dismiss hides it until another error comes', async () => {
  const user = userEvent.setup();
  const first = new ApiError({ code: ErrorCodes.connection, message: 'refused' });
  const second = new ApiError({ code: ErrorCodes.connection, message: 'refused again' });
  function Harness() {
    const [error, setError] = useState<ApiError | null>(null);
    return h(Fragment, null, h('button', { type: 'button', onClick: () => setError(error === first ? second : first) }, 'Fail'), h(ErrorNotice, { error, title: 'Could not connect' }));
  }
  render(h(Harness));
  expect(screen.queryByRole('alert')).toBeNull();

  await user.click(screen.getByRole('button', { name: 'Fail' }));
  await user.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Dismiss: Could not connect' }));
  expect(screen.queryByRole('alert')).toBeNull();

  await user.click(screen.getByRole('button', { name: 'Fail' }));
  expect(screen.getByRole('alert').textContent).toContain('refused again');
});

test('onDismiss clears the error at its source', async () => {
  const user = userEvent.setup();
  function Harness() {
    const [error, setError] = useState<ErrorInfo | null>({ code: ErrorCodes.internal, message: 'x'.repeat(5_000) });
    return h(ErrorPanel, { error, title: 'Long', onDismiss: () => setError(null) });
  }
  render(h(Harness));
  await user.click(screen.getByRole('button', { name: 'Dismiss: Long' }));
  expect(screen.queryByRole('alert')).toBeNull();
});
