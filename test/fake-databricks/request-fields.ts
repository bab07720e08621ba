import { errors, type FakeRequest } from './api.js';

/**
 * Typed reads of a request's parameters, failing the way the Databricks API fails on a bad payload:
 * a missing required field is 400 `INVALID_PARAMETER_VALUE` "Missing required field: X", a field of the
 * wrong JSON type is 400 `MALFORMED_REQUEST`.
 *
 * GET parameters arrive in the query string, so every value there is a string: numeric and boolean
 * reads accept their string spelling, as the real API's query parser does.
 */
export class RequestFields {
  private constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  /** The parameters of a request: its query string for GET, its JSON body otherwise. */
  static of(req: FakeRequest): RequestFields {
    if (req.method !== 'GET') return new RequestFields(req.body);
    const values: Record<string, unknown> = { ...req.body };
    for (const [name, value] of req.query) values[name] = value;
    return new RequestFields(values);
  }

  /** Parameters from a plain object (a nested request object, or a test). */
  static from(values: Readonly<Record<string, unknown>>): RequestFields {
    return new RequestFields(values);
  }

  has(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== null;
  }

  raw(name: string): unknown {
    return this.values[name];
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw wrongType(name, 'a string', value);
    return value;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw missing(name);
    return value;
  }

  number(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    throw wrongType(name, 'a number', value);
  }

  requiredNumber(name: string): number {
    const value = this.number(name);
    if (value === undefined) throw missing(name);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw wrongType(name, 'a boolean', value);
  }

  object(name: string): Record<string, unknown> | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(name, 'an object', value);
    return value as Record<string, unknown>;
  }

  array(name: string): unknown[] | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw wrongType(name, 'an array', value);
    return value;
  }

  /** A string field restricted to a fixed set of values (an enum of the API). */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw errors.invalidParameter(
        `Invalid value '${value}' for field ${name}: expected one of ${allowed.join(', ')}.`,
      );
    }
    return value as T;
  }
}

function missing(name: string): Error {
  return errors.invalidParameter(`Missing required field: ${name}`);
}

function wrongType(name: string, expected: string, value: unknown): Error {
  return errors.malformedRequest(
    `Invalid JSON given in the body of the request: field ${name} must be ${expected}, got ${JSON.stringify(value)}.`,
  );
}
