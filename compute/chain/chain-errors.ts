// The class lives with the other schema-level errors so compute/checkpoint can throw it too.
export { InvalidArgumentError } from '../../schema/errors.ts';
