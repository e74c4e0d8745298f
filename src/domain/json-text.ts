// JSON text of documents that reuses the text of unchanged members. Stored documents are never
// changed in place, and a new version shares every member it did not change with the old one
// (copy-on-write), so the text of a list or nested object, once written, holds for as long as
// that object lives. A PATCH of `progress` then serializes a few numbers instead of 8 KB of
// events, and the response reuses the text the store has just written.
//
// The result is always exactly `JSON.stringify(value)` for JSON values (members that are
// `undefined` are left out, as JSON.stringify does).

/** Text of object-valued members, by the member's value (weak: it lives as long as the value). */
const memo = new WeakMap<object, string>();
/** `"key":` prefixes; keys are the schema's member names, so this stays small. */
const keyPrefixes = new Map<string, string>();
const MAX_KEY_PREFIXES = 4096;

export interface JsonTextOptions {
  /** Keep the text of object-valued members for later calls (writes do; reads only look up). */
  remember: boolean;
  /**
   * The previous version of the same document: a list that only grew at its end reuses the
   * text of the list it grew from.
   */
  previous?: Record<string, unknown>;
}

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${JSON.stringify(key)}:`;
    if (keyPrefixes.size < MAX_KEY_PREFIXES) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

/** The text of a list that extends `before` (same items, by identity, then more), or undefined. */
function appendedListText(before: unknown, after: unknown[]): string | undefined {
  if (!Array.isArray(before) || before.length === 0 || after.length <= before.length) return undefined;
  const beforeText = memo.get(before);
  if (beforeText === undefined) return undefined;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) return undefined;
  let text = beforeText.slice(0, -1);
  for (let i = before.length; i < after.length; i++) text += `,${JSON.stringify(after[i]) ?? 'null'}`;
  return `${text}]`;
}

function memberText(value: unknown, previous: unknown, remember: boolean): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = memo.get(value);
  if (text !== undefined) return text;
  text = (Array.isArray(value) ? appendedListText(previous, value) : undefined) ?? JSON.stringify(value);
  if (remember) memo.set(value, text);
  return text;
}

/**
 * `JSON.stringify(document)`, reusing the text of members seen before. `head` is placed first,
 * unescaped (e.g. `"url":"..."` of a response).
 */
export function documentText(document: Record<string, unknown>, options: JsonTextOptions, head = ''): string {
  let text = `{${head}`;
  let first = head === '';
  const previous = options.previous;
  for (const key of Object.keys(document)) {
    const member = memberText(document[key], previous?.[key], options.remember);
    if (member === undefined) continue;
    text += first ? keyPrefix(key) + member : `,${keyPrefix(key)}${member}`;
    first = false;
  }
  return `${text}}`;
}
