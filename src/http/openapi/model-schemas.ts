// The schema model (src/domain/schema) as OpenAPI 3.1 schema objects: every named object type
// becomes a component referenced by `$ref`, and each field keeps its type, width, range, enum,
// default and read/write-only flag, plus the model's annotations: `x-avi-since` (the releases it
// was introduced in), `x-avi-edition` (`enterprise`: only ENTERPRISE tiers may set it) and
// `x-avi-ref` (the referenced object type), also spelled out in `description`.
import type { TSchema } from '@sinclair/typebox';
import { EDITION, REF, SINCE, TYPE_NAME } from '../../domain/schema/dsl.js';
import { asNode, type SchemaNode } from '../../domain/validation/nodes.js';
import { schemaRef, type Json, type JsonObject } from './json.js';

/** Structural keywords copied as they are. */
const COPIED = ['type', 'format', 'minimum', 'maximum', 'enum', 'default'] as const;

/** The component schemas of one document, filled as model types are added. */
export class ModelSchemas {
  readonly schemas: Record<string, JsonObject> = {};
  private readonly sources = new Map<string, unknown>();

  /** Adds a named object type (and every type it uses); returns its `$ref`. */
  add(type: TSchema): JsonObject {
    return this.convert(asNode(type));
  }

  private convert(node: SchemaNode): JsonObject {
    const out: JsonObject = {};
    const typeName = node[TYPE_NAME];
    if (node.type === 'object' && typeof typeName === 'string') {
      this.define(typeName, node);
      Object.assign(out, schemaRef(typeName));
    } else {
      for (const key of COPIED) if (node[key] !== undefined) out[key] = node[key] as Json;
      if (node.type === 'array' && node.items) out.items = this.convert(node.items);
      if (node.type === 'object') Object.assign(out, this.objectBody(node));
    }
    Object.assign(out, annotations(node));
    return out;
  }

  private define(name: string, node: SchemaNode): void {
    const seen = this.sources.get(name);
    if (seen === node.properties) return;
    if (seen !== undefined) throw new Error(`two different model types are named ${name}`);
    this.sources.set(name, node.properties);
    this.schemas[name] = {}; // placed first, so that components keep the order they are met in
    this.schemas[name] = { type: 'object', title: name, ...this.objectBody(node), [TYPE_NAME]: name };
  }

  private objectBody(node: SchemaNode): JsonObject {
    const properties: JsonObject = {};
    for (const [key, child] of Object.entries(node.properties ?? {})) properties[key] = this.convert(child);
    const out: JsonObject = { properties };
    if (node.required && node.required.length > 0) out.required = [...node.required];
    if (node.additionalProperties === false) out.additionalProperties = false;
    return out;
  }
}

/** The field-level annotations of a model node, and a description that spells them out. */
function annotations(node: SchemaNode): JsonObject {
  const out: JsonObject = {};
  const notes: string[] = [];
  const since = Array.isArray(node[SINCE]) ? (node[SINCE] as string[]) : [];
  if (since.length > 0) {
    out[SINCE] = [...since];
    notes.push(`Introduced in ${since.join(' and ')}.`);
  }
  if (node[EDITION] === 'enterprise') {
    out[EDITION] = 'enterprise';
    notes.push('Settable only in the ENTERPRISE and ENTERPRISE_WITH_CLOUD_SERVICES license tiers.');
  }
  const refType = node[REF];
  if (typeof refType === 'string') {
    out[REF] = refType;
    const path = refType.toLowerCase();
    notes.push(
      `Reference to ${refType}: a URL, /api/${path}/<uuid> or /api/${path}/?name=<name>; answered as a URL.`,
    );
  }
  if (node.readOnly === true) {
    out.readOnly = true;
    notes.push('Set by the server.');
  }
  if (node.writeOnly === true) {
    out.writeOnly = true;
    notes.push('Accepted in requests, never returned.');
  }
  if (notes.length > 0) out.description = notes.join(' ');
  return out;
}
