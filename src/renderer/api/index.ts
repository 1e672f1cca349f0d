// The renderer's one connection to the main side, chosen once at start-up (see transport.ts).
import { createTransport } from './transport.ts';

export const transport = createTransport(window);
export const { api, addDroppedFiles } = transport;
