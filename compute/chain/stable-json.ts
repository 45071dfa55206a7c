// Lives in schema/ (pure, no I/O) so every compute folder can hash with it without importing chain/.
export { stableJson } from '../../schema/stable-json.ts';
