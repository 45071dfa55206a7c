import type { Command } from 'commander';

/** Placeholder replaced below. */
export function registerMcpCommand(_program: Command): void {}
