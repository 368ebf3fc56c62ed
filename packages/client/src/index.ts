// @tidings/client — a typed client for the Tidings API, and verification of the messages it sends.
export { createTidingsClient, type TidingsClient, type TidingsClientOptions } from './client.ts';
export { paginate, type ListItem, type ListPath, type PaginateInit } from './paginate.ts';
export { TidingsApiError } from './api-error.ts';
export { listen, ListenRefusedError, type ListenedMessage, type ListenOptions } from './listen.ts';
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookBody,
  type WebhookHeaders,
  type WebhookVerificationErrorCode,
} from './verify.ts';
export type * from './types.ts';
