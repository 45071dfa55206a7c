/**
 * One GraphQL filter query over 100k nested rows via HTTP vs the same compiled SQL run directly; prints
 * the ratio. `npx tsx test/bench/graphql-query.ts [rows=100000] [iterations=30]`.
 * The fuller comparison (aggregate, groups, 32-client throughput) is test/bench/graphql-vs-sql.ts.
 */
import { runGraphqlBench } from './graphql-vs-sql.ts';

await runGraphqlBench({
  rows: Number(process.argv[2] ?? 100_000),
  iterations: Number(process.argv[3] ?? 30),
  queries: ['filter'],
  throughput: false,
});
