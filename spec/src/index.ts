// The contract's types, generated from openapi.yaml, under the names consumers use.
import type { components, operations, paths, webhooks } from './generated/openapi.ts';

export type { components, operations, paths, webhooks };

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
export type CreatedCallback = Schemas['CreatedCallback'];
export type CallbackCreate = Schemas['CallbackCreate'];
export type CallbackUpdate = Schemas['CallbackUpdate'];
export type CallbackSecret = Schemas['CallbackSecret'];
export type Delivery = Schemas['Delivery'];
export type DeliveryDetail = Schemas['DeliveryDetail'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type DeliveryStatus = Delivery['status'];
export type ErrorEnvelope = Schemas['ErrorEnvelope'];
export type ErrorCode = Schemas['ErrorCode'];
export type Health = Schemas['Health'];
export type CallbackMessage = Schemas['CallbackMessage'];
export type CallbackAction = Callback['action'];
export type CallbackMethod = Callback['method'];
export type CallbackOrdering = Callback['ordering'];

/** The list envelope every list operation answers with. */
export interface ListEnvelope<T> {
  start: number;
  limit: number;
  count: number;
  total: number;
  data: T[];
}
