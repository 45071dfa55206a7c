import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`) builds without an `exports` map. Node loads the CJS
    // build for graphql-yoga/envelop; vite would hand our sources the ESM build, giving two graphql
    // "realms" ("Cannot use GraphQLSchema from another module or realm"). Pin everyone to the CJS build.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
