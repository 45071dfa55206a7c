// Piscina worker for test/bench/prefetch.ts: a CPU-bound "UDF" (repeated SHA-256 over the file bytes).
import { createHash } from 'node:crypto';

export default function udf({ data, rounds }) {
  const buf = Buffer.from(data);
  let digest = buf;
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(buf).update(digest).digest();
  return digest.toString('hex').slice(0, 16);
}
