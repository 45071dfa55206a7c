#!/usr/bin/env node
// Entry point of the `chainql` command: registers tsx so the TypeScript sources run as-is.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
