// The other side of heap-probe.ts, for the soak test and the benchmark harness: signals a server that
// loaded the probe and reads its numbered answer from the server's output.
const asked = new Map<number, number>();

/** The heap the process `pid` still uses after a full collection, in bytes. */
export async function readHeapProbe(pid: number, output: () => string, timeoutMs = 10_000): Promise<number> {
  const probe = (asked.get(pid) ?? 0) + 1;
  asked.set(pid, probe);
  const answer = new RegExp(`heap-probe ${probe}: (\\d+)`);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bytes = answer.exec(output())?.[1];
    if (bytes !== undefined) return Number(bytes);
    if (Date.now() > deadline) throw new Error(`process ${pid} did not answer heap probe ${probe}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
