import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RequestFieldsFixture } from './databricks-request-fields.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(
  readFileSync(join(here, 'databricks-request-fields.json'), 'utf8'),
) as RequestFieldsFixture;

describe('the committed extract of Databricks request fields', () => {
  it('covers JobSettings, Task and ClusterSpec', () => {
    expect(Object.keys(fixture.types)).toEqual(
      expect.arrayContaining(['resources.Job', 'jobs.Task', 'compute.ClusterSpec']),
    );
    expect(fixture.types['jobs.Task'].notebook_task).toEqual({ kind: 'object', ref: 'jobs.NotebookTask' });
    expect(fixture.types['compute.ClusterSpec'].spark_conf).toEqual({ kind: 'map' });
  });
});
