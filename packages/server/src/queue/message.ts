import type { CallbackMessage } from '@tidings/spec';
import { randomText } from '../random.ts';

export type Fields = Record<string, string>;

function randomId(prefix: string): string {
  return `${prefix}${randomText(15, 'base64url')}`;
}

export function newEventKey(): string {
  return randomId('evt_');
}

export function newWebhookId(): string {
  return randomId('msg_');
}

/** The old values of the fields an update changed (a field that appeared has old value ""). */
export function changedFields(before: Fields, after: Fields): Fields {
  const previous: Fields = {};
  for (const [name, value] of Object.entries(after)) {
    const old = Object.hasOwn(before, name) ? before[name] : undefined;
    if (old !== value) previous[name] = old ?? '';
  }
  return previous;
}

interface RecordChange {
  eventKey: string;
  type: 'profile' | 'subprofile';
  action: 'create' | 'update' | 'delete';
  timestamp: string;
  epochMs: number;
  database: number;
  collection: number | null;
  profile: number;
  subprofile: number | null;
  created: string;
  modified: string;
  fields: Fields;
  previous: Fields | null;
  interests: string[];
}

export function buildMessage(change: RecordChange): CallbackMessage {
  return {
    id: change.eventKey,
    type: change.type,
    action: change.action,
    timestamp: change.timestamp,
    time: Math.floor(change.epochMs / 1000),
    database: String(change.database),
    collection: change.collection === null ? null : String(change.collection),
    profile: String(change.profile),
    subprofile: change.subprofile === null ? null : String(change.subprofile),
    created: change.created,
    modified: change.modified,
    fields: change.fields,
    previous: change.previous,
    interests: change.interests,
  };
}

export function buildTestMessage(input: {
  eventKey: string;
  timestamp: string;
  epochMs: number;
  database: number;
  collection: number | null;
}): CallbackMessage {
  return {
    id: input.eventKey,
    type: 'test',
    action: 'test',
    timestamp: input.timestamp,
    time: Math.floor(input.epochMs / 1000),
    database: String(input.database),
    collection: input.collection === null ? null : String(input.collection),
    profile: null,
    subprofile: null,
    created: null,
    modified: null,
    fields: {},
    previous: null,
    interests: [],
  };
}
