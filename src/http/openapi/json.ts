// JSON values as the OpenAPI document is built from them.
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** A `$ref` to a component (`schemas`, `parameters`, `responses`, `headers`). */
export const componentRef = (kind: string, name: string): JsonObject => ({
  $ref: `#/components/${kind}/${name}`,
});

/** A `$ref` to a schema component. */
export const schemaRef = (name: string): JsonObject => componentRef('schemas', name);

/** `application/json` content of a schema. */
export const jsonContent = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });
