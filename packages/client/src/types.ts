// The contract's types under the names consumers use, so nobody writes components['schemas'][…].
import type { components } from './generated/openapi.ts';

export type { components, operations, paths, webhooks } from './generated/openapi.ts';

type Schemas = components['schemas'];

export type Database = Schemas['Database'];
export type DatabaseCreate = Schemas['DatabaseCreate'];
export type DatabaseUpdate = Schemas['DatabaseUpdate'];
export type Collection = Schemas['Collection'];
export type CollectionCreate = Schemas['CollectionCreate'];
export type CollectionUpdate = Schemas['CollectionUpdate'];
export type Profile = Schemas['Profile'];
export type ProfileCreate = Schemas['ProfileCreate'];
export type ProfileUpdate = Schemas['ProfileUpdate'];
export type Subprofile = Schemas['Subprofile'];
export type SubprofileCreate = Schemas['SubprofileCreate'];
export type SubprofileUpdate = Schemas['SubprofileUpdate'];
export type Fields = Schemas['Fields'];
export type Callback = Schemas['Callback'];
export type CallbackCreate = Schemas['CallbackCreate'];
export type CallbackUpdate = Schemas['CallbackUpdate'];
/** A callback as answered on creation, with its signing secret. */
export type CreatedCallback = Schemas['CreatedCallback'];
export type CallbackSecret = Schemas['CallbackSecret'];
export type CallbackAction = Schemas['CallbackAction'];
export type CallbackMethod = Schemas['CallbackMethod'];
export type CallbackOrdering = Schemas['CallbackOrdering'];
export type Delivery = Schemas['Delivery'];
export type DeliveryDetail = Schemas['DeliveryDetail'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type DeliveryStatus = Schemas['DeliveryStatus'];
export type ErrorEnvelope = Schemas['ErrorEnvelope'];
export type ErrorCode = Schemas['ErrorCode'];
export type Health = Schemas['Health'];
/** The message Tidings POSTs to a callback — what `verifyWebhook` returns, for JSON and XML alike. */
export type CallbackMessage = Schemas['CallbackMessage'];

/** The envelope every list operation answers with. */
export interface ListEnvelope<T> {
  start: number;
  limit: number;
  count: number;
  total: number;
  data: T[];
}
