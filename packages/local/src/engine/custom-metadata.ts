// Custom metadata validation moved to @kv2/core so that the HTTP adapter rejects the same input
// with the same error before sending it; this re-export keeps existing imports working.
export { validateCustomMetadata } from '@kv2/core';
