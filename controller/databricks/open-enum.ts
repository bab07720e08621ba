/**
 * An enum Databricks may extend at any time ("additional states might be introduced"): the known values
 * autocomplete, and any other string is still accepted, so a new state never breaks parsing.
 */
export type Open<T extends string> = T | (string & Record<never, never>);
