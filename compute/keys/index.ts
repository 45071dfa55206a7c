/** Dataset keys: declared primary keys and secondary indexes of dataset versions (issue 9). */
export { applyKeys, type DuplicateKey, findDuplicateKey } from './apply-keys.ts';
export { indexName, MAX_INDEX_NAME } from './index-names.ts';
export {
  declarationMatches,
  type KeyDeclaration,
  type KeyOptions,
  NO_KEYS,
  type ResolvedKeys,
  resolveKeys,
  resolveKeysFrom,
} from './key-declaration.ts';
export { DuplicateKeyError, describeValue, KeyDeclarationError } from './key-errors.ts';
export {
  KEY_KINDS,
  type KeyColumns,
  type KeyContext,
  type KeyRole,
  resolveKeyColumns,
} from './key-fields.ts';
