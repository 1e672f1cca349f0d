import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { transport } from './api/index.ts';
import { App } from './app/app.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App transport={transport} />
  </StrictMode>,
);
