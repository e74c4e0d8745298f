// License tiers: fields the model marks `x-avi-edition: 'enterprise'` may only be set in the
// ENTERPRISE and ENTERPRISE_WITH_CLOUD_SERVICES tiers. In ESSENTIALS and BASIC a write may carry
// them only unchanged (what a GET returned can be sent back as it is).
import type { TSchema } from '@sinclair/typebox';
import { ApiError } from '../../errors/catalogue.js';
import { EDITION, REF, TYPE_NAME } from '../schema/dsl.js';
import { asNode, isRecord, memberPath, sameJson, type SchemaNode } from '../validation/nodes.js';

/** The license tiers a controller runs in. */
export type LicenseTier = 'ENTERPRISE' | 'ENTERPRISE_WITH_CLOUD_SERVICES' | 'ESSENTIALS' | 'BASIC';

/** The tiers in which enterprise-only fields cannot be set. */
export const RESTRICTED_TIERS: readonly string[] = ['ESSENTIALS', 'BASIC'];

/** Whether `tier` may set fields marked `x-avi-edition: 'enterprise'`. */
export function tierAllowsEnterpriseFields(tier: string): boolean {
  return !RESTRICTED_TIERS.includes(tier);
}

/** `Field UpgradeStatusInfo.reason cannot be set in ESSENTIALS license tier.` */
export function tierViolation(typeName: string, path: string, tier: string): ApiError {
  return new ApiError(400, `Field ${typeName}.${path} cannot be set in ${tier} license tier.`);
}

/**
 * Refuses, in the ESSENTIALS and BASIC tiers, a write that would change the value of a field the
 * model marks enterprise-only. `stored` is the current document (undefined on create), `next` the
 * document the write would store; call it with `next` in its final stored form (references
 * normalized, defaults filled, hidden newer fields merged back), so that comparing is meaningful.
 *
 * What counts as a change:
 * - absent and `null` read as the field's default when it has one (so sending a default, or
 *   leaving a defaulted field out, changes nothing); otherwise absent differs from any value;
 * - objects compare member by member under the same rule, lists item by item (same length),
 *   references by their uuid (a `#name` suffix or its absence changes nothing);
 * - an enterprise-only field nested in an ordinary one is found at any depth; list items are
 *   paired with the stored list by position.
 *
 * The error names the outermost enterprise-only field that would change, by its dotted path after
 * the root type's name without list indices: `Field UpgradeStatusInfo.history cannot be set in
 * ESSENTIALS license tier.`, `Field UpgradeStatusInfo.params.controller cannot be set ...`.
 * Fields are examined in the model's order. ENTERPRISE and ENTERPRISE_WITH_CLOUD_SERVICES (and any
 * tier other than ESSENTIALS and BASIC) allow everything.
 */
export function rejectTierViolations(
  schema: TSchema,
  stored: Record<string, unknown> | undefined,
  next: Record<string, unknown>,
  tier: string,
): void {
  if (tierAllowsEnterpriseFields(tier)) return;
  const root = asNode(schema);
  const path = firstChange(root, stored, next, '');
  if (path !== undefined) {
    const typeName = typeof root[TYPE_NAME] === 'string' ? (root[TYPE_NAME] as string) : 'Object';
    throw tierViolation(typeName, path, tier);
  }
}

const isEnterprise = (node: SchemaNode): boolean => node[EDITION] === 'enterprise';

/** The dotted path of the first enterprise-only field below `node` whose value differs, if any. */
function firstChange(node: SchemaNode, before: unknown, after: unknown, path: string): string | undefined {
  if (node.type === 'object') {
    const a = isRecord(before) ? before : undefined;
    const b = isRecord(after) ? after : undefined;
    if (!a && !b) return undefined;
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const x = a && Object.hasOwn(a, key) ? a[key] : undefined;
      const y = b && Object.hasOwn(b, key) ? b[key] : undefined;
      const childPath = memberPath(path, key);
      if (isEnterprise(child)) {
        if (!equivalent(child, x, y)) return childPath;
      } else {
        const found = firstChange(child, x, y, childPath);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }
  if (node.type === 'array' && node.items) {
    const a = Array.isArray(before) ? before : [];
    const b = Array.isArray(after) ? after : [];
    const items = node.items;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = firstChange(items, a[i], b[i], path);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The value a member stands for: absent and null read as the default, if there is one. */
function effective(node: SchemaNode, value: unknown): unknown {
  return value === null || value === undefined ? node.default : value;
}

/** The uuid part of a stored reference `/api/<type>/<uuid>[#name]` (other text unchanged). */
function withoutName(ref: string): string {
  const hash = ref.indexOf('#');
  return hash < 0 ? ref : ref.slice(0, hash);
}

/** Whether two values of `node` are the same setting (see rejectTierViolations). */
function equivalent(node: SchemaNode, before: unknown, after: unknown): boolean {
  const a = effective(node, before);
  const b = effective(node, after);
  if (a === undefined || b === undefined) return a === b;
  if (node.type === 'object' && isRecord(a) && isRecord(b)) {
    const properties = node.properties ?? {};
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const x = Object.hasOwn(a, key) ? a[key] : undefined;
      const y = Object.hasOwn(b, key) ? b[key] : undefined;
      const child = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (child ? !equivalent(child, x, y) : !sameJson(x ?? null, y ?? null)) return false;
    }
    return true;
  }
  if (node.type === 'array' && Array.isArray(a) && Array.isArray(b)) {
    const items = node.items;
    return (
      a.length === b.length && a.every((x, i) => (items ? equivalent(items, x, b[i]) : sameJson(x, b[i])))
    );
  }
  if (typeof node[REF] === 'string' && typeof a === 'string' && typeof b === 'string') {
    return withoutName(a) === withoutName(b);
  }
  return sameJson(a, b);
}
