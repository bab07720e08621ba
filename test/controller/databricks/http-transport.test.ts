import { DatabricksApiError, InvalidHostError } from '../../../controller/databricks/errors.js';
import {
  endpointOf,
  normalizeHost,
  parseSuccessBody,
} from '../../../controller/databricks/http-transport.js';

describe('transport details', () => {
  it('names endpoints by the path after the API version', () => {
    expect(endpointOf('/api/2.2/jobs/runs/get')).toBe('jobs/runs/get');
    expect(endpointOf('/api/2.0/dbfs/add-block')).toBe('dbfs/add-block');
  });

  it('normalizes a host, assuming https and dropping a trailing slash', () => {
    expect(normalizeHost('adb-1.2.azuredatabricks.net/')).toBe('https://adb-1.2.azuredatabricks.net');
    expect(normalizeHost(' http://127.0.0.1:8080 ')).toBe('http://127.0.0.1:8080');
  });

  it('rejects a host that is not http(s), or carries credentials, saying what to do', () => {
    expect(() => normalizeHost('ftp://x')).toThrow(/must use https:\/\//);
    expect(() => normalizeHost('https://user:dapi123@x.cloud.databricks.com')).toThrow(
      'workspace host "https://[REDACTED]@x.cloud.databricks.com" must not contain user:password@',
    );
    expect(() => normalizeHost('https://user:dapi123@x.cloud.databricks.com')).not.toThrow(
      /dapi123|user:dapi/,
    );
    // Even where the URL parser gives up (a space in the password), the message does not repeat it.
    expect(() => normalizeHost('https://user:pa ss@x')).toThrow(InvalidHostError);
    expect(() => normalizeHost('https://user:pa ss@x')).not.toThrow(/pa ss/);
    expect(() => normalizeHost('user:secret1@x.cloud.databricks.com')).not.toThrow(/secret1/);
  });

  it('reads an empty success body as {} and a non-JSON one as a pointed error', () => {
    expect(parseSuccessBody('jobs/delete', 200, '')).toEqual({});
    const error = (() => {
      try {
        return parseSuccessBody('scim/me', 200, '<html><title>Sign in</title></html>');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect((error as Error).message).toMatch(
      /scim\/me .*not JSON.*check that the host is a Databricks workspace URL/,
    );
  });
});
