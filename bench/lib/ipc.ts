export interface IpcRequest {
  id: number;
  method: string;
  params: unknown;
}

export type IpcAnswer = { id: number; result: unknown } | { id: number; error: string };

export interface IpcReady {
  ready: true;
  info: unknown;
}
