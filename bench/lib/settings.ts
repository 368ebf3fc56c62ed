// How long and how often each case runs: `pnpm bench` (full) and `pnpm bench --quick` (a smoke run
// that keeps the harness working; its numbers are not worth comparing).
export interface Settings {
  quick: boolean;
  /** measured rounds; each round runs the baseline and then the service */
  rounds: number;
  warmupSeconds: number;
  saturationSeconds: number;
  /** autocannon connections for the API cases */
  saturationConnections: number;
  openLoopSeconds: number;
  /** open-loop API latency is measured at this fraction of the service's saturated rate */
  openLoopLoad: number;
  deliveryWarmupMessages: number;
  /** a measured delivery run lasts about this long at the rate the warm-up showed… */
  deliveryRunSeconds: number;
  /** …and sends at most this many messages */
  deliveryMessages: number;
  /** profile updates (and raw POSTs) in flight at once in the delivery cases */
  deliveryConcurrency: number;
  deliveryProfiles: number;
  latencySeconds: number;
  latencyLoads: number[];
  expressionEvaluations: number;
  /** an expression run stops early after this long (20 KB records in the sandbox are slow) */
  expressionSeconds: number;
  memoryWarmupMessages: number;
  memoryBlockMessages: number;
  /** a memory block is cut below memoryBlockMessages when it would take longer than this */
  memoryBlockSeconds: number;
}

export function settingsFor(quick: boolean): Settings {
  const common = {
    saturationConnections: 32,
    openLoopLoad: 0.5,
    deliveryConcurrency: 32,
    deliveryProfiles: 100,
    latencyLoads: [0.5, 0.8],
  };
  if (quick) {
    return {
      ...common,
      quick,
      rounds: 1,
      warmupSeconds: 1,
      saturationSeconds: 2,
      openLoopSeconds: 1,
      deliveryWarmupMessages: 300,
      deliveryRunSeconds: 2,
      deliveryMessages: 1_500,
      latencySeconds: 1,
      expressionEvaluations: 2_000,
      expressionSeconds: 0.3,
      memoryWarmupMessages: 300,
      memoryBlockMessages: 1_500,
      memoryBlockSeconds: 10,
    };
  }
  return {
    ...common,
    quick,
    rounds: 3,
    warmupSeconds: 3,
    saturationSeconds: 5,
    openLoopSeconds: 5,
    deliveryWarmupMessages: 1_000,
    deliveryRunSeconds: 8,
    deliveryMessages: 20_000,
    latencySeconds: 5,
    expressionEvaluations: 20_000,
    expressionSeconds: 2,
    memoryWarmupMessages: 1_000,
    memoryBlockMessages: 50_000,
    memoryBlockSeconds: 75,
  };
}
