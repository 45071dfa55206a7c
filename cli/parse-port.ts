import { InvalidArgumentError } from 'commander';

/**
 * Parses a `--port` value: an integer in 0..65535 (0 picks a free port). Shared by `serve` and `demo`
 * so both reject `--port abc` with the same message (exit code 2).
 * @throws InvalidArgumentError (commander prints "option '--port <port>' argument 'abc' is invalid. …").
 */
export function parsePort(value: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected an integer from 0 to 65535.');
  }
  return port;
}
