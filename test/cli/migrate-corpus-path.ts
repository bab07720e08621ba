import { join } from 'node:path';
import { repositoryRoot } from '../control-plane/state-paths.js';

/** The corpus: old manifests written from shared/reference/seed-operator/KINDS.md, every field of every kind. */
export const CORPUS = join(repositoryRoot(), 'test', 'cli', 'migrate-corpus');
