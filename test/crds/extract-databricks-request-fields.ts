// Regenerates databricks-request-fields.json from the reference JSON Schema:
//   npx tsx test/crds/extract-databricks-request-fields.ts [path/to/jsonschema.json]
// The JSON is committed so the coverage test runs on a clone without the reference material.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { extractRequestTypes, ROOT_TYPES, type RequestFieldsFixture } from './databricks-request-fields.js';

const here = dirname(fileURLToPath(import.meta.url));
const source =
  process.argv[2] ?? join(here, '../../../shared/reference/databricks/databricks-cli/jsonschema.json');
const fixture: RequestFieldsFixture = {
  source: 'databricks/cli bundle/schema/jsonschema.json @ 7bbe2852131bc5c4a6c7bad5f147bc7772eedf9f',
  roots: ROOT_TYPES,
  types: extractRequestTypes(JSON.parse(readFileSync(source, 'utf8'))),
};
const target = join(here, 'databricks-request-fields.json');
// Formatted as the repository's Prettier config wants, so regenerating gives no diff.
const options = (await prettier.resolveConfig(target)) ?? {};
writeFileSync(target, await prettier.format(JSON.stringify(fixture), { ...options, filepath: target }));
