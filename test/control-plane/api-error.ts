import { ApiException } from '@kubernetes/client-node';

/** HTTP status and Kubernetes `Status.message` of a failed API call. */
export interface ApiFailure {
  code: number;
  message: string;
}

/**
 * Runs `call`, expecting the API server to refuse it, and returns the refusal. Fails when the
 * call succeeds or fails for a reason other than an API response.
 */
export async function expectApiFailure(call: () => Promise<unknown>): Promise<ApiFailure> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, message: statusMessage(error.body) };
  }
  throw new Error('expected the API server to refuse the request, but it succeeded');
}

/** client-node 1.x hands over the error body as a JSON string for some APIs and parsed for others. */
function statusMessage(body: unknown): string {
  const parsed: unknown = typeof body === 'string' ? safeParse(body) : body;
  if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
    return parsed.message;
  }
  return String(body);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
