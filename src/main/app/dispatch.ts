// The main side of the contract: one implementation per request, every input validated with the
// contract's zod schema before the implementation sees it, every failure turned into ErrorInfo.
import type { z } from 'zod';
import { ErrorCodes } from '../../shared/errors.ts';
import { handlers, type HandlerName, type HandlerOutput } from '../../shared/ipc/contract.ts';
import type { Reply } from '../../shared/ipc/envelope.ts';
import { toErrorInfo } from '../engine/index.ts';

export type HandlerImpls = {
  [N in HandlerName]: (input: z.output<(typeof handlers)[N]['input']>) => Promise<HandlerOutput<N>>;
};

export type Dispatch = (name: string, input: unknown) => Promise<Reply>;

function isHandlerName(name: string): name is HandlerName {
  return Object.hasOwn(handlers, name);
}

/** Checked after validation, before the implementation runs; throws to refuse the request. */
export type RequestGuard = (name: HandlerName, input: unknown) => void;

export function createDispatcher(impls: HandlerImpls, guard: RequestGuard = () => {}): Dispatch {
  return async (name, input) => {
    if (!isHandlerName(name)) return { ok: false, error: { code: ErrorCodes.usage, message: `Unknown request ${JSON.stringify(name)}` } };
    const parsed = handlers[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
      return { ok: false, error: { code: ErrorCodes.usage, message: `Invalid ${name} request: ${message}` } };
    }
    try {
      guard(name, parsed.data);
      const implementation = impls[name] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await implementation(parsed.data) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  };
}
