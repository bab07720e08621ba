// Integration tests wait for conditions on a real API server with their own deadlines; Jest's 5 s default
// is shorter than a fresh CRD's first create on a busy 2-core machine. (`testTimeout` is a global Jest
// option and is ignored inside a project, hence this setup file.)
import { jest } from '@jest/globals';

jest.setTimeout(30_000);
