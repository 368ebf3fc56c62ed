// The child side of the harness's IPC: answers {id, method, params} with {id, result} or {id, error},
// announces itself with {ready, info}, tells its wall clock (`clock`) and exits when the harness goes away.
import type { IpcAnswer, IpcRequest } from './ipc.ts';
import { wallNow } from './stats.ts';

export type Handlers = Record<string, (params: never) => unknown>;

export function serveHarness(handlers: Handlers, readyInfo: unknown = null): void {
  const send = (message: unknown) => process.send?.(message);
  process.on('message', (request: IpcRequest) => {
    const handler =
      request.method === 'clock' ? wallNow : (handlers[request.method] as ((params: unknown) => unknown) | undefined);
    void (async () => {
      let answer: IpcAnswer;
      try {
        if (!handler) throw new Error(`unknown method ${request.method}`);
        answer = { id: request.id, result: await handler(request.params) };
      } catch (error) {
        answer = { id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      send(answer);
    })();
  });
  process.on('disconnect', () => process.exit(0));
  send({ ready: true, info: readyInfo });
}
