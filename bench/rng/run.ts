/**
 * Random bytes per second and unbiased draws per second for each RNG provider, as a share of
 * raw `crypto.randomBytes` measured in the same round. Run: `bash bench/rng/run.sh [rounds] [seconds]`.
 *
 * The machine is shared, so every contender is measured in short slices, round after round,
 * each ratio is taken against the baseline of its own round, and the median is reported.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pkcs11js from 'pkcs11js';
import { uniformInt } from '../../src/rng/core/uniform-int.js';
import {
  KmsRandomSource,
  OsRandomSource,
  Pkcs11RandomSource,
  type RandomSource,
} from '../../src/rng/providers/index.js';
import { startMoto } from '../../test/support/moto.js';
import { createSoftHsm, type SoftHsm } from '../../test/support/softhsm.js';
import { measureRate } from './measure.js';

const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 0.5);
/** A draw among a million tickets: 20-bit candidates, accepted with probability 1e6 / 2^20. */
const TICKETS = 1_000_000;

type Generate = (bytes: number) => Promise<Buffer>;

interface Contender {
  name: string;
  certified: string;
  generate: Generate;
}

interface Workload {
  label: string;
  bytesPerOperation?: number;
  run(generate: Generate): Promise<unknown>;
}

const workloads: Workload[] = [
  { label: '32 B calls', bytesPerOperation: 32, run: (g) => g(32) },
  { label: '64 KiB calls', bytesPerOperation: 65536, run: (g) => g(65536) },
  { label: `draws (n = ${TICKETS.toExponential()})`, run: (g) => uniformInt(TICKETS, g) },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const fixed = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
const percent = (ratio: number) => `${(100 * ratio).toPrecision(3)} %`;

/** The module itself through pkcs11js, no pool or checks: shows what the provider adds. */
function openModuleDirectly(hsm: SoftHsm): Generate {
  const api = new pkcs11js.PKCS11();
  api.load(hsm.modulePath);
  try {
    api.C_Initialize();
  } catch {
    // Already initialised by the provider in this process; that is fine for a second session.
  }
  const slot = api.C_GetSlotList(true).find((s) => api.C_GetTokenInfo(s).label.trim() === hsm.tokenLabel);
  if (slot === undefined) throw new Error('bench token not found');
  const session = api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  return async (n) => api.C_GenerateRandom(session, Buffer.alloc(n));
}

async function main(): Promise<void> {
  const hsm = await createSoftHsm({ tokenLabel: 'fairdraw-bench' });
  const moto = await startMoto();
  const sources: RandomSource[] = [
    new OsRandomSource(),
    new Pkcs11RandomSource({ modulePath: hsm.modulePath, tokenLabel: hsm.tokenLabel, pin: hsm.pin }),
    new KmsRandomSource({
      region: moto.region,
      endpoint: moto.endpoint,
      credentials: moto.credentials,
      certified: false,
    }),
  ];
  try {
    for (const source of sources) await source.open();
    const [osSource, pkcs11, kms] = sources;
    const contenders: Contender[] = [
      { name: 'crypto.randomBytes (raw baseline)', certified: 'no', generate: async (n) => randomBytes(n) },
      { name: 'os provider', certified: 'no', generate: (n) => osSource.generate(n) },
      { name: 'pkcs11 provider (SoftHSM2 2.6)', certified: 'yes', generate: (n) => pkcs11.generate(n) },
      { name: 'SoftHSM2 C_GenerateRandom, direct', certified: 'n/a', generate: openModuleDirectly(hsm) },
      { name: 'kms provider (moto_server, loopback)', certified: 'no*', generate: (n) => kms.generate(n) },
    ];
    // rates[workload][contender][round]
    const rates = workloads.map(() => contenders.map(() => [] as number[]));
    for (let round = 0; round < rounds; round++) {
      for (const [w, workload] of workloads.entries()) {
        for (const [c, contender] of contenders.entries()) {
          const rate = await measureRate(() => workload.run(contender.generate), seconds, 3);
          rates[w][c].push(rate.perSecond);
        }
      }
    }
    console.log(
      `RNG providers: ${rounds} rounds of ${seconds} s slices, sequential calls, median of the rounds; ` +
        `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), load ${os.loadavg()[0].toFixed(1)}, Node ${process.version}\n`,
    );
    for (const [w, workload] of workloads.entries()) {
      console.log(`### ${workload.label}\n`);
      console.log('| source | certified | ops/s | MiB/s | vs raw (median) | vs raw (min to max) |');
      console.log('|---|---|---:|---:|---:|---:|');
      for (const [c, contender] of contenders.entries()) {
        const perSecond = median(rates[w][c]);
        const ratios = rates[w][c].map((rate, round) => rate / rates[w][0][round]);
        const mib = workload.bytesPerOperation
          ? fixed((perSecond * workload.bytesPerOperation) / 2 ** 20)
          : '';
        console.log(
          `| ${contender.name} | ${contender.certified} | ${fixed(perSecond)} | ${mib} | ${percent(median(ratios))} ` +
            `| ${percent(Math.min(...ratios))} to ${percent(Math.max(...ratios))} |`,
        );
      }
      console.log('');
    }
    console.log(
      '\\* KMS itself is certified (FIPS 140 HSMs); moto_server is a stand-in, so the bench marks it not certified.',
    );
  } finally {
    for (const source of sources) await source.close();
    await moto.stop();
    await hsm.cleanup();
  }
}

await main();
