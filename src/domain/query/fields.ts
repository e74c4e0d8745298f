// The fields a list query may name, found by walking the schema model once: every member at every
// depth (through nested objects and into the items of lists), addressed by its dotted name the
// way query parameters spell it (`state.state`, `upgrade_events.task_name`), with its storage path.
import type { TSchema } from '@sinclair/typebox';
import { REF, TYPE_NAME } from '../schema/dsl.js';
import { UpgradeStatusInfo } from '../schema/index.js';
import { asNode, type SchemaNode } from '../validation/nodes.js';
import type { AnyItem, FieldPath } from '../../storage/types.js';

/** The storage path segment for "any item of this list" (storage's ANY_ITEM). */
export const ANY_ITEM: AnyItem = '[]';

export type FieldKind = 'string' | 'integer' | 'boolean' | 'ref' | 'object';

export interface QueryField {
  /** Dotted member names from the root: `upgrade_events.sub_events.ip.addr`. */
  readonly name: string;
  /** The field itself in storage terms (ANY_ITEM where an enclosing list is entered). */
  readonly path: FieldPath;
  /** Where its single values are: `path`, plus ANY_ITEM for a list of scalars or references. */
  readonly valuePath: FieldPath;
  /** The kind of its values (of the items, for a list). */
  readonly kind: FieldKind;
  /** Whether the field itself is a list. */
  readonly list: boolean;
  /** The node describing one value (the item node for a list). */
  readonly node: SchemaNode;
  /** For references: the referenced type as the model spells it (`ServiceEngineGroup`). */
  readonly refType?: string;
  /** For references: the type in stored and URL form (`serviceenginegroup`). */
  readonly refPath?: string;
}

export interface FieldCatalogue {
  /** Every field by dotted name. */
  readonly byName: ReadonlyMap<string, QueryField>;
  /** Every field by its last member name (`task_name` → each field so named, at any depth). */
  readonly byMember: ReadonlyMap<string, readonly QueryField[]>;
  /** Every reference field and list of references, at any depth. */
  readonly references: readonly QueryField[];
  /** The root type's name (`UpgradeStatusInfo`). */
  readonly typeName: string;
}

function kindOf(node: SchemaNode): FieldKind | undefined {
  if (node.type === 'string') return typeof node[REF] === 'string' ? 'ref' : 'string';
  if (node.type === 'integer' || node.type === 'boolean' || node.type === 'object') return node.type;
  return undefined;
}

function walk(node: SchemaNode, name: string, path: FieldPath, out: QueryField[], depth: number): void {
  if (depth > 32) return; // the model is a tree of bounded depth; this only guards a cycle
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (child.readOnly && key === 'url') continue; // never stored
    const childName = name === '' ? key : `${name}.${key}`;
    const childPath = [...path, key];
    const isList = child.type === 'array' && child.items !== undefined;
    const valueNode = isList ? (child.items as SchemaNode) : child;
    const kind = kindOf(valueNode);
    if (!kind) continue;
    const refType = kind === 'ref' ? (valueNode[REF] as string) : undefined;
    out.push({
      name: childName,
      path: childPath,
      valuePath: isList && kind !== 'object' ? [...childPath, ANY_ITEM] : childPath,
      kind,
      list: isList,
      node: valueNode,
      ...(refType !== undefined ? { refType, refPath: refType.toLowerCase() } : {}),
    });
    if (kind === 'object')
      walk(valueNode, childName, isList ? [...childPath, ANY_ITEM] : childPath, out, depth + 1);
  }
}

const catalogues = new WeakMap<TSchema, FieldCatalogue>();

/** The catalogue of `schema`'s fields (computed once per schema). */
export function fieldCatalogue(schema: TSchema = UpgradeStatusInfo): FieldCatalogue {
  const cached = catalogues.get(schema);
  if (cached) return cached;
  const fields: QueryField[] = [];
  const root = asNode(schema);
  walk(root, '', [], fields, 0);
  const byName = new Map<string, QueryField>();
  const byMember = new Map<string, QueryField[]>();
  for (const f of fields) {
    byName.set(f.name, f);
    const member = f.name.slice(f.name.lastIndexOf('.') + 1);
    const same = byMember.get(member);
    if (same) same.push(f);
    else byMember.set(member, [f]);
  }
  const catalogue: FieldCatalogue = {
    byName,
    byMember,
    references: fields.filter((f) => f.kind === 'ref'),
    typeName: typeof root[TYPE_NAME] === 'string' ? (root[TYPE_NAME] as string) : 'Object',
  };
  catalogues.set(schema, catalogue);
  return catalogue;
}
