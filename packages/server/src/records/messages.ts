// The message a change of a profile or subprofile sends, built from its row.
import type { CallbackMessage } from '@tidings/spec';
import { buildMessage, newEventKey, type Fields } from '../queue/message.ts';
import type { ProfileRow, SubprofileRow } from './rows.ts';

export function profileMessage(
  action: 'create' | 'update' | 'delete',
  row: ProfileRow,
  fields: Fields,
  interests: string[],
  previous: Fields | null,
  nowMs: number,
  stamp: string,
): CallbackMessage {
  return buildMessage({
    eventKey: newEventKey(),
    type: 'profile',
    action,
    timestamp: stamp,
    epochMs: nowMs,
    database: row.database_id,
    collection: null,
    profile: row.id,
    subprofile: null,
    created: row.created,
    modified: row.modified,
    fields,
    previous,
    interests,
  });
}

export function subprofileMessage(
  action: 'create' | 'update' | 'delete',
  row: SubprofileRow,
  databaseId: number,
  fields: Fields,
  previous: Fields | null,
  interests: string[],
  nowMs: number,
  stamp: string,
): CallbackMessage {
  return buildMessage({
    eventKey: newEventKey(),
    type: 'subprofile',
    action,
    timestamp: stamp,
    epochMs: nowMs,
    database: databaseId,
    collection: row.collection_id,
    profile: row.profile_id,
    subprofile: row.id,
    created: row.created,
    modified: row.modified,
    fields,
    previous,
    interests,
  });
}
