#!/usr/bin/env node
// Entry point of the `chainql` command: registers tsx so the TypeScript sources run as-is.

// Hold SIGINT/SIGTERM from the first line on: loading tsx and the commands takes a while, and `serve` or
// `worker` stopped meanwhile must still exit cleanly. cli/stop-signals.ts takes over what arrived.
const held = [];
const hold = (signal) => held.push(signal);
process.on('SIGINT', hold);
process.on('SIGTERM', hold);

const { register } = await import('tsx/esm/api');
register();
const { watchStopSignals } = await import('./stop-signals.ts');
const stops = watchStopSignals(held[0]);
process.off('SIGINT', hold);
process.off('SIGTERM', hold);
const { main } = await import('./main.ts');
await main(process.argv, stops);
