/**
 * One spelling of each path a spec names, so that two spellings of the same object compare equal: the
 * reconcilers and `plan` both compare through these.
 */

/** A workspace path with one leading slash and no empty or trailing segments: `/Users/a/nb`. */
export function workspacePath(path: string): string {
  return `/${path.split('/').filter(Boolean).join('/')}`;
}

/** A DBFS path without the `dbfs:` scheme, repeated slashes or a trailing slash: `/a/b`. */
export function dbfsPath(path: string): string {
  return path
    .replace(/^dbfs:/, '')
    .replace(/\/+/g, '/')
    .replace(/(.)\/$/, '$1');
}

/** A Git folder's path as Databricks answers it: without the `/Workspace` prefix or a trailing slash. */
export function gitFolderPath(path: string): string {
  return path.replace(/^\/Workspace(?=\/)/, '').replace(/\/+$/, '');
}
