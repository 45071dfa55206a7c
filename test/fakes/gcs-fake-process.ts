/**
 * Runs the GCS fake (seeded with a key tree) and a delay proxy in a child process, so benchmarks do
 * not share an event loop with the server. Prints one JSON line `{ endpoint, direct }` when ready.
 * argv: keys dirs delayMs sizeBytes
 */
import { startFaultProxy } from './fault-proxy.ts';
import { startGcsFake } from './gcs-fake.ts';

const [keys = 50_000, dirs = 100, delayMs = 20, size = 0] = process.argv.slice(2).map(Number);
const fake = await startGcsFake({ buckets: ['bench'] });
const body = Buffer.alloc(size, 7);
for (let i = 0; i < keys; i++) {
  fake.seed('bench', `data/d${String(i % dirs).padStart(3, '0')}/f${String(i).padStart(6, '0')}.bin`, body);
}
const proxy = await startFaultProxy(fake.endpoint, { delayMs });
process.stdout.write(`${JSON.stringify({ endpoint: proxy.endpoint, direct: fake.endpoint })}\n`);
process.on('SIGTERM', () => {
  void Promise.all([proxy.close(), fake.close()]).then(() => process.exit(0));
});
