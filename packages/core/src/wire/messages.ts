// OpenBao's error texts that more than one kv2 door writes or reads: the engine and core throw
// them, the server sends them, the adapter maps them back to codes, the CLI prints them. Every
// one is OpenBao's exact wording, which clients match on.

/** OpenBao's path errors (`invalid_path`). */
export const PATH_MESSAGES = {
  /** A write, patch or metadata write to `a/`. */
  trailingSlash: "cannot write to a path ending in '/'",
  /** A `.` or `..` segment. */
  relative: 'relative paths not supported',
  /** An empty path where a key is needed. */
  missing: 'missing path',
} as const;

/**
 * OpenBao's check-and-set errors, by kv2 code. The metadata texts come first: "metadata
 * check-and-set parameter required" contains "check-and-set parameter required", so a reader
 * that matches texts in this order finds the right code.
 */
export const CAS_MESSAGES = {
  metadata_cas_mismatch: 'metadata check-and-set parameter does not match the current version',
  metadata_cas_required: 'metadata check-and-set parameter required for this call',
  metadata_cas_not_zero: 'metadata_cas must be 0 when creating new metadata',
  cas_mismatch: 'check-and-set parameter did not match the current version',
  cas_required: 'check-and-set parameter required for this call',
} as const;

/** OpenBao's other request errors that kv2 writes in one door and reads in another. */
export const REQUEST_MESSAGES = {
  /** A `cas` option that is not a non-negative integer (`invalid_cas`). */
  invalidCas: 'error parsing check-and-set parameter',
  /** A write or patch without `data` (`no_data`). */
  noData: 'no data provided',
  /** `destroy` without versions; `delete`/`undelete` say it with a capital N (`invalid_versions`). */
  noVersions: 'no version number provided',
  /** The start of every field conversion error (`invalid_parameter`). */
  fieldValidation: 'Field validation failed',
  /** The start of every custom_metadata problem (`invalid_custom_metadata`). */
  customMetadata: 'custom_metadata validation failed',
  /** The start of the answer to a body with too many JSON strings (`invalid_data`). */
  jsonComplexity: 'refused JSON input due to high complexity',
} as const;

// go-multierror's list format, in which OpenBao renders several problems (custom_metadata
// validation) and errors that reach its core as Go errors (405s, 500s).
const MULTI_ERROR_HEAD = /^\d+ errors? occurred:\n/;

/** `messages` in go-multierror's format: `"2 errors occurred:\n\t* a\n\t* b\n\n"`. */
export function formatMultiError(messages: readonly string[]): string {
  const head = messages.length === 1 ? '1 error occurred:' : `${messages.length} errors occurred:`;
  return `${head}\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

/** The individual messages of a go-multierror text, or `[text]` for any other text (`[]` for `""`). */
export function multiErrorItems(text: string): string[] {
  if (!MULTI_ERROR_HEAD.test(text)) return text === '' ? [] : [text];
  return text
    .replace(MULTI_ERROR_HEAD, '')
    .split('\n\t* ')
    .map((item) => item.replace(/^\t\* /, '').trim())
    .filter((item) => item !== '');
}
