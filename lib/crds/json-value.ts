/** A JSON value, the shape a CRD takes once the TypeBox symbols are gone. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
