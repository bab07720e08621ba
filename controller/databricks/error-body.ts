/**
 * Reads an error response in any of the shapes Databricks has been seen to send (BEHAVIOUR.md §2):
 * `{"error_code","message"}` (the code sometimes a number), an HTML page with the message in `<pre>`,
 * the API 1.2 `{"error"}`, SCIM `{"detail","status","scimType"}`, plain text `CODE: message`, or nothing.
 */

/** The code and message an error response carried, whatever its shape. */
export interface ParsedErrorBody {
  /** `RESOURCE_DOES_NOT_EXIST`, or a number (the invalid-token 403 says `403`); absent when none was sent. */
  readonly errorCode?: string | number;
  readonly message: string;
}

/** Parses an error response body; never throws. `statusText` stands in for an empty body. */
export function parseErrorBody(status: number, statusText: string, text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return { message: statusText || `HTTP ${status}` };

  const json = tryParseObject(trimmed);
  if (json !== undefined) {
    const errorCode = codeOf(json.error_code);
    if (typeof json.message === 'string') return { errorCode, message: json.message };
    if (typeof json.error === 'string') {
      // OAuth token endpoints: {"error":"invalid_client","error_description":"..."}.
      const description = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
      return { errorCode, message: `${json.error}${description}` };
    }
    if (typeof json.detail === 'string') {
      return { errorCode: errorCode ?? codeOf(json.scimType), message: json.detail };
    }
    if (errorCode !== undefined) return { errorCode, message: statusText || `HTTP ${status}` };
    return { message: trimmed };
  }

  const pre = /<pre>([\s\S]*?)<\/pre>/i.exec(trimmed);
  if (pre !== null) return { message: decodeHtmlEntities(pre[1].trim()) };

  const coded = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(trimmed);
  if (coded !== null) return { errorCode: coded[1], message: coded[2].trim() };

  return { message: trimmed };
}

function tryParseObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(value: unknown): string | number | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return value;
  return undefined;
}

function decodeHtmlEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
