// The contract's request names, from the zod-free list (zod in the page would trip the CSP: it
// probes `new Function`).
export { handlerNames as requestNames } from '../../shared/ipc/handler-names.ts';
