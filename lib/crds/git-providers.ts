/**
 * The Git providers that Databricks Git folders and Git credentials accept, spelled as the API documents
 * them (BEHAVIOUR.md §1.8; the API matches them case-insensitively), and the provider a repository URL's
 * host names when `spec.provider` is left out.
 */

/** Every Git provider, in the API's spelling. */
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

/** A Git provider. */
export type GitProvider = (typeof GIT_PROVIDERS)[number];

/**
 * The hosts whose provider is known without `spec.provider`: the public services. A self-hosted server
 * (GitHub Enterprise, Bitbucket Server, GitLab Enterprise Edition) can be on any host, so its provider
 * must be given.
 */
export const KNOWN_GIT_HOSTS: readonly { readonly pattern: string; readonly provider: GitProvider }[] = [
  { pattern: 'github\\.com', provider: 'gitHub' },
  { pattern: 'gitlab\\.com', provider: 'gitLab' },
  { pattern: 'bitbucket\\.org', provider: 'bitbucketCloud' },
  { pattern: 'dev\\.azure\\.com', provider: 'azureDevOpsServices' },
  { pattern: '[^/@:]+\\.visualstudio\\.com', provider: 'azureDevOpsServices' },
  { pattern: 'git-codecommit\\.[^/@:]+\\.amazonaws\\.com', provider: 'awsCodeCommit' },
];

/** The regular expression (RE2 and JavaScript alike) of a URL on `host`: HTTPS, SSH or `git@host:`. */
export function urlOnHost(host: string): string {
  return `^((https?|ssh)://([^/@]+@)?${host}(:[0-9]+)?/|git@${host}:)`;
}

/** The provider a repository URL's host names, or undefined for a host that is not a public service. */
export function providerOfUrl(url: string): GitProvider | undefined {
  return KNOWN_GIT_HOSTS.find(({ pattern }) => new RegExp(urlOnHost(pattern), 'i').test(url))?.provider;
}
