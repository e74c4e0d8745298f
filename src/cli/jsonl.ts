// JSON lines for import and export: one UpgradeStatusInfo object per line. Input is read whole
// (a file or stdin) and checked before anything is sent, so a bad line imports nothing; the error
// names its line number.
import { readFile } from 'node:fs/promises';
import { isObject, type JsonObject } from './client.js';
import type { Io } from './context.js';
import { CliError } from './errors.js';

export interface InputLine {
  /** 1-based line number in the input. */
  line: number;
  object: JsonObject;
}

/** The text of `source`: a file, or stdin for `-`. */
export async function readInput(source: string, io: Io): Promise<string> {
  if (source === '-') {
    let text = '';
    for await (const chunk of io.stdin) text += String(chunk);
    return text;
  }
  try {
    return await readFile(source, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** Every non-blank line as an object; the first line that is not one is a CliError naming it. */
export function parseJsonLines(text: string): InputLine[] {
  const out: InputLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const source = raw.trim();
    if (source === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      throw new CliError(`line ${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    if (!isObject(value)) throw new CliError(`line ${i + 1}: expected a JSON object, found ${kind(value)}`);
    out.push({ line: i + 1, object: value });
  });
  return out;
}

/** One object as a JSON line. */
export function jsonLine(object: JsonObject): string {
  return `${JSON.stringify(object)}\n`;
}
