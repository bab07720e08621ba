import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf } from './cel-rules.js';
import { Opt, Str, StringList, Struct } from './schema-types.js';

const LIBRARY_SOURCES = ['jar', 'egg', 'whl', 'pypi', 'maven', 'cran', 'requirements'] as const;

/** A library installed on a task's cluster (compute.Library). Exactly one source. */
export const Library = Struct(
  {
    jar: Opt(Str('URI of a JAR in the workspace, a volume or cloud storage.', { maxLength: 1024 })),
    egg: Opt(Str('Deprecated by Databricks: URI of a Python egg.', { maxLength: 1024 })),
    whl: Opt(Str('URI of a Python wheel in the workspace, a volume or cloud storage.', { maxLength: 1024 })),
    requirements: Opt(
      Str('Path of a requirements.txt file in the workspace or a volume.', { maxLength: 1024 }),
    ),
    pypi: Opt(
      Struct(
        {
          package: Str('Package name with an optional version specifier, e.g. simplejson==3.8.0.', {
            minLength: 1,
          }),
          repo: Opt(Str('Package index URL; defaults to PyPI.')),
        },
        'A PyPI package.',
      ),
    ),
    maven: Opt(
      Struct(
        {
          coordinates: Str('Maven coordinates groupId:artifactId:version.', { minLength: 1 }),
          repo: Opt(Str('Maven repository URL; defaults to Maven Central.')),
          exclusions: Opt(StringList('Dependencies to exclude, as groupId:artifactId.', { maxItems: 100 })),
        },
        'A Maven artifact.',
      ),
    ),
    cran: Opt(
      Struct(
        {
          package: Str('CRAN package name.', { minLength: 1 }),
          repo: Opt(Str('CRAN mirror URL; defaults to the default mirror.')),
        },
        'An R package from CRAN.',
      ),
    ),
  },
  'A library to install on the cluster that runs the task. Set exactly one source.',
  celValidations(exactlyOneOf(LIBRARY_SOURCES, 'library')),
);
export type Library = Static<typeof Library>;
