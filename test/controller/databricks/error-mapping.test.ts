import { parseErrorBody } from '../../../controller/databricks/error-body.js';
import {
  AlreadyExistsError,
  DatabricksApiError,
  InvalidParameterError,
  InvalidStateError,
  LimitExceededError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  ResourceConflictError,
  TemporarilyUnavailableError,
  toApiError,
  UnauthenticatedError,
} from '../../../controller/databricks/errors.js';

describe('error body parsing', () => {
  it('reads the standard {error_code, message} shape', () => {
    expect(
      parseErrorBody(
        404,
        'Not Found',
        '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Scope x does not exist"}',
      ),
    ).toEqual({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Scope x does not exist',
    });
  });

  it('keeps a numeric error_code as a number', () => {
    expect(parseErrorBody(403, 'Forbidden', '{"error_code":403,"message":"Invalid access token."}')).toEqual({
      errorCode: 403,
      message: 'Invalid access token.',
    });
  });

  it('takes the message from an HTML <pre> page', () => {
    const html = '<html><body><h2>HTTP ERROR 403</h2><pre>Invalid access token.</pre></body></html>';
    expect(parseErrorBody(403, 'Forbidden', html)).toEqual({ message: 'Invalid access token.' });
  });

  it('reads the API 1.2 {"error"} shape', () => {
    expect(parseErrorBody(500, 'Internal Server Error', '{"error":"boom"}')).toEqual({ message: 'boom' });
  });

  it('reads the SCIM {detail, status, scimType} shape', () => {
    expect(
      parseErrorBody(400, 'Bad Request', '{"detail":"bad filter","status":"400","scimType":"invalidFilter"}'),
    ).toEqual({
      errorCode: 'invalidFilter',
      message: 'bad filter',
    });
  });

  it('splits plain text CODE: message', () => {
    expect(parseErrorBody(400, 'Bad Request', 'INVALID_STATE: Cluster is PENDING')).toEqual({
      errorCode: 'INVALID_STATE',
      message: 'Cluster is PENDING',
    });
  });

  it('falls back to the status text for an empty body', () => {
    expect(parseErrorBody(502, 'Bad Gateway', '')).toEqual({ message: 'Bad Gateway' });
    expect(parseErrorBody(502, '', '  ')).toEqual({ message: 'HTTP 502' });
  });
});

describe('error classification', () => {
  const call = (path: string, endpoint = path.replace(/^\/api\/[\d.]+\//, '')) => ({
    endpoint,
    method: 'GET',
    path,
  });
  const json = (code: string | number, message: string) => JSON.stringify({ error_code: code, message });

  it.each([
    ['/api/2.2/jobs/get', 'Job 123 does not exist.'],
    ['/api/2.2/jobs/runs/get', 'Run 5 does not exist.'],
    ['/api/2.2/jobs/runs/get', "Run: 5 in job: 7 doesn't exist"],
    ['/api/2.1/clusters/get', 'Cluster 0123-456789-abc does not exist'],
    ['/api/2.1/jobs/reset', 'Job 123 does not exist.'],
  ])('maps the legacy 400 not-found on %s ("%s") to NotFoundError', (path, message) => {
    const error = toApiError(call(path), {
      status: 400,
      statusText: 'Bad Request',
      bodyText: json('INVALID_PARAMETER_VALUE', message),
    });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe('INVALID_PARAMETER_VALUE');
  });

  it('keeps a 400 INVALID_PARAMETER_VALUE about something else an InvalidParameterError', () => {
    const error = toApiError(call('/api/2.2/jobs/create'), {
      status: 400,
      statusText: 'Bad Request',
      bodyText: json('INVALID_PARAMETER_VALUE', 'Invalid quartz_cron_expression'),
    });
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error).not.toBeInstanceOf(NotFoundError);
  });

  it('keeps a create naming something that does not exist an InvalidParameterError: the request is wrong', () => {
    const error = toApiError(call('/api/2.0/policies/clusters/create'), {
      status: 400,
      statusText: 'Bad Request',
      bodyText: json('INVALID_PARAMETER_VALUE', "Policy family 'x' does not exist."),
    });
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error).not.toBeInstanceOf(NotFoundError);
  });

  it('does not apply the not-found quirk outside jobs and clusters', () => {
    const error = toApiError(call('/api/2.0/secrets/put'), {
      status: 400,
      statusText: 'Bad Request',
      bodyText: json('INVALID_PARAMETER_VALUE', 'Key does not exist in the request'),
    });
    expect(error).toBeInstanceOf(InvalidParameterError);
  });

  it.each([
    ['/api/2.0/instance-pools/get', "Can't find an instance pool with id: 0101-000000-pool"],
    ['/api/2.0/policies/clusters/get', "Can't find a cluster policy with id: ABCDEF0123456789."],
  ])('reads the legacy 400 not-found of %s as NotFoundError', (path, message) => {
    const error = toApiError(call(path), {
      status: 400,
      statusText: 'Bad Request',
      bodyText: json('INVALID_PARAMETER_VALUE', message),
    });
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it.each([
    [404, 'CREDENTIAL_NOT_FOUND', NotFoundError],
    [400, 'CREDENTIAL_ALREADY_EXISTS', AlreadyExistsError],
    [409, 'RESOURCE_CONFLICT', ResourceConflictError],
    [400, 'GIT_UNKNOWN_REF', InvalidParameterError],
    [400, 'INVALID_GIT_PROVIDER', InvalidParameterError],
  ])("maps the Git and Pipelines APIs' HTTP %i %s", (status, code, expected) => {
    const error = toApiError(call('/api/2.0/repos/1'), { status, statusText: '', bodyText: json(code, 'x') });
    expect(error).toBeInstanceOf(expected);
  });

  it.each([
    [404, 'RESOURCE_DOES_NOT_EXIST', NotFoundError],
    [400, 'RESOURCE_ALREADY_EXISTS', AlreadyExistsError],
    [409, 'ALREADY_EXISTS', AlreadyExistsError],
    [400, 'INVALID_STATE', InvalidStateError],
    [400, 'RESOURCE_LIMIT_EXCEEDED', LimitExceededError],
    [400, 'MAX_BLOCK_SIZE_EXCEEDED', LimitExceededError],
    [403, 'PERMISSION_DENIED', PermissionDeniedError],
    [429, 'REQUEST_LIMIT_EXCEEDED', RateLimitedError],
    [429, 'RESOURCE_EXHAUSTED', RateLimitedError],
    [503, 'TEMPORARILY_UNAVAILABLE', TemporarilyUnavailableError],
    [401, 'UNAUTHENTICATED', UnauthenticatedError],
  ])('maps HTTP %i %s by its error_code', (status, code, expected) => {
    const error = toApiError(call('/api/2.0/secrets/put'), {
      status,
      statusText: '',
      bodyText: json(code, 'x'),
    });
    expect(error).toBeInstanceOf(expected);
  });

  it('classifies by status when there is no error_code', () => {
    const byStatus = (status: number) =>
      toApiError(call('/api/2.0/dbfs/read'), { status, statusText: '', bodyText: '' });
    expect(byStatus(401)).toBeInstanceOf(UnauthenticatedError);
    expect(byStatus(403)).toBeInstanceOf(PermissionDeniedError);
    expect(byStatus(404)).toBeInstanceOf(NotFoundError);
    expect(byStatus(429)).toBeInstanceOf(RateLimitedError);
    expect(byStatus(503)).toBeInstanceOf(TemporarilyUnavailableError);
    expect(byStatus(500).constructor).toBe(DatabricksApiError);
  });

  it('treats the invalid-token 403 as a credentials problem, not a missing permission', () => {
    const error = toApiError(call('/api/2.2/jobs/list'), {
      status: 403,
      statusText: 'Forbidden',
      bodyText: json(403, 'Invalid access token.'),
    });
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.errorCode).toBe(403);
  });

  it('never reads ENDPOINT_NOT_FOUND as "the object is gone"', () => {
    const error = toApiError(call('/api/2.2/jobs/delete'), {
      status: 404,
      statusText: 'Not Found',
      bodyText: json('ENDPOINT_NOT_FOUND', 'No API found for POST /jobs/delete'),
    });
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(DatabricksApiError);
  });

  it('carries Retry-After seconds on rate-limit errors', () => {
    const error = toApiError(call('/api/2.2/jobs/create'), {
      status: 429,
      statusText: 'Too Many Requests',
      bodyText: json('REQUEST_LIMIT_EXCEEDED', 'slow down'),
      retryAfter: '7',
    });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(7);
  });

  it('names the endpoint, the status, the code and Databricks message', () => {
    const error = toApiError(call('/api/2.1/clusters/edit'), {
      status: 400,
      statusText: '',
      bodyText: json('INVALID_STATE', 'Cluster is in PENDING state'),
    });
    expect(error.message).toBe(
      'Databricks clusters/edit failed with HTTP 400 INVALID_STATE: Cluster is in PENDING state',
    );
    expect(error.endpoint).toBe('clusters/edit');
  });
});
