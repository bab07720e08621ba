// Unit tests share the 2 CI cores with the integration project's API server, etcd and controllers, and
// several of them make a few hundred HTTP calls to the fake workspace. Jest's 5 s default only measures
// how loaded the machine is; a test that hangs still fails, after 20 s. (`testTimeout` is a global Jest
// option and is ignored inside a project, hence this setup file.)
import { jest } from '@jest/globals';

jest.setTimeout(20_000);
