// What the delivery worker sees of the queue: the deliveries it claims and the outcomes it records.
/** What a worker needs to attempt one delivery. */
export interface DueDelivery {
  id: number;
  webhookId: string;
  eventKey: string;
  attempts: number;
  /** attempts made before the last manual retry: the schedule position is attempts - retryBase */
  retryBase: number;
  payload: string;
  /** the W3C traceparent of the request that made the change (tracing.ts); null when it was not traced */
  traceparent: string | null;
  /** whether the delivery has an ordering key: the next one of its key may be due once it is done */
  ordered: boolean;
  /** when the lease this claim wrote runs out (epoch ms): then another worker may claim the delivery */
  leaseUntil: number;
  callback: {
    id: number;
    url: string;
    method: 'json' | 'xml';
    expression: string;
    disabled: boolean;
    secrets: string[];
    /** messages a second at most, null for none; `rate` is the adapted rate now (queue/throttle.ts) */
    rateLimit: number | null;
    rate: number | null;
    /** epoch ms until which a Retry-After or the circuit breaker holds the callback's messages, or null */
    pausedUntil: number | null;
    /** whether the last attempts got no answer at all: an answer then ends the streak */
    unreachable: boolean;
  };
}

/** What a claim tells its caller besides the deliveries it took */
export interface ClaimNotes {
  /**
   * Set when due deliveries may have been left: of callbacks whose slots the claim itself filled
   * (passed over), or beyond the rows and callbacks the claim reads. Those of callbacks the caller
   * said were busy are left out, and the caller knows of them.
   */
  leftBehind: boolean;
  /**
   * Set by a PostgreSQL claim that leased fewer deliveries than it could because rows it chose were
   * locked by another worker's claim (or finished) meanwhile: more may be due beyond those it chose,
   * and a claim made once the other one is over finds them.
   */
  contended?: boolean;
  /**
   * Set by an embedded claim whose look callback by callback stopped short having read the due
   * deliveries of as many callbacks as it may (queue/sqlite/choose.ts): more may have some, and a
   * claim made at once goes on from there.
   */
  unfinished?: boolean;
}

/**
 * A claim the embedded store makes inside the transaction of a write that queued deliveries (see
 * Store.joinClaims): the worker's side of it.
 */
export interface JoinedClaim {
  limit: number;
  leaseMs: number;
  maxPerCallback: number;
  busy: ReadonlyMap<number, number>;
  /** Called once the transaction is over, before the commit is announced; with [] if it failed. */
  done(deliveries: DueDelivery[], notes: ClaimNotes): void;
}

export interface AttemptRecord {
  time: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
  /** 'listener' when a `tidings listen` made the attempt (listen/); absent when the worker sent it */
  via?: 'listener';
}

/**
 * A finished attempt as the worker saw it. What it means for the callback (failing since when,
 * disabled after failing for FAILING_DAYS_BEFORE_DISABLE) is settled when it is recorded, from the
 * callback as it is then: another attempt may have succeeded since this one was claimed.
 */
export interface AttemptOutcome {
  deliveryId: number;
  /**
   * the lease the attempt was made under: the outcome is recorded only while the delivery still has
   * it (one that ran out may have been claimed and attempted again since, and that attempt's outcome
   * is the one to keep)
   */
  leaseUntil: number;
  /** whether a request went out: only those count as attempts, and only they bear on the callback */
  sent: boolean;
  callbackId: number;
  attempt: AttemptRecord;
  /** a sent attempt that did not succeed is a failure of the callback */
  status: 'succeeded' | 'failed' | 'exhausted' | 'skipped';
  nextAttemptAt: number | null;
  /** set when the answer itself disables the callback (410 Gone) */
  disableCallback: string | null;
  /** what the answer means for the callback's rate (queue/throttle.ts); null when nothing */
  throttle: ThrottleSignal | null;
}

/** An answer's bearing on its callback's rate: only set for callbacks with a rate limit, or a pause. */
export interface ThrottleSignal {
  /** 429, 502, 503, 504 or no answer in time: the rate is halved */
  slowDown: boolean;
  /** a success: the rate climbs back toward the limit */
  succeeded: boolean;
  /** a Retry-After on 429 or 503: the whole callback waits until then (epoch ms) */
  pauseUntil: number | null;
  /** no answer at all (refused, reset, timed out): one more in the streak that trips the breaker */
  unanswered: boolean;
  /** an answer after unanswered attempts: the streak is over */
  answeredAgain: boolean;
}
