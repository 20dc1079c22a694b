// Shared by the ledger benchmark and its baseline process: the workload, the driver and the CPU meter.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ). */
const CLOCK_TICK_MS = 10;

/** A realistic journal payload (a ticket sale), about 110 bytes of canonical JSON. */
export const payload = () => ({
  raffle: 'r-1',
  order: randomBytes(8).toString('hex'),
  first: 1001,
  last: 1005,
  amountMinor: 2000,
  channel: 'ONLINE',
});
export const draft = () => ({ type: 'TICKETS_SOLD', subject: 'raffle-1', payload: payload() });

/** Runs `writers` loops of `op` for `seconds`; returns completed operations. */
export async function drive(writers, seconds, op) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  return done;
}

/** CPU milliseconds (user + system) of one process, or 0 once it has gone. */
function processCpuMs(pid) {
  try {
    // The fields after the command name (which may hold spaces) start at the state; utime and
    // stime are fields 14 and 15 of the line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU used by this process and by the PostgreSQL backends of one database (the local server, read
 * from /proc), from now until `stop()`. `admin` is a connected pg.Client.
 */
export async function cpuMeter(admin, databaseName) {
  const backends = async () =>
    (
      await admin.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        databaseName,
      ])
    ).rows.map((row) => row.pid);
  const before = new Map((await backends()).map((pid) => [pid, processCpuMs(pid)]));
  const node = process.cpuUsage();
  return {
    async stop() {
      const nodeUsed = process.cpuUsage(node);
      let postgresMs = 0;
      for (const pid of new Set([...before.keys(), ...(await backends())])) {
        postgresMs += processCpuMs(pid) - (before.get(pid) ?? 0);
      }
      return { nodeMs: (nodeUsed.user + nodeUsed.system) / 1000, postgresMs };
    },
  };
}

/** Rate and CPU microseconds per operation. */
export function measurement(done, elapsedMs, cpu) {
  return {
    rate: done / (elapsedMs / 1000),
    nodeUs: (1000 * cpu.nodeMs) / done,
    postgresUs: (1000 * cpu.postgresMs) / done,
  };
}
