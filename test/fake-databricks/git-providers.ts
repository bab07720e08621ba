import { ApiError } from './api.js';

/** The Git providers Repos and Git credentials accept, in their documented spelling (BEHAVIOUR.md §1.8). */
export const GIT_PROVIDERS = [
  'gitHub',
  'bitbucketCloud',
  'gitLab',
  'azureDevOpsServices',
  'gitHubEnterprise',
  'bitbucketServer',
  'gitLabEnterpriseEdition',
  'awsCodeCommit',
] as const;

export type GitProvider = (typeof GIT_PROVIDERS)[number];

/**
 * The provider a request names, matched case-insensitively and answered in the documented spelling
 * (`GITHUB` and `github` are both `gitHub`). An unknown provider is the 400 `INVALID_GIT_PROVIDER` of the
 * Git credentials spec, whose message lists the providers.
 */
export function gitProviderOf(requested: string): GitProvider {
  const found = GIT_PROVIDERS.find((provider) => provider.toLowerCase() === requested.toLowerCase());
  if (found) return found;
  throw new ApiError(
    400,
    'INVALID_GIT_PROVIDER',
    `The specified Git provider '${requested}' is invalid. The available Git providers are ${[...GIT_PROVIDERS].sort().join(', ')}.`,
  );
}
