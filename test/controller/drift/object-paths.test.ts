import { dbfsPath, workspacePath } from '../../../controller/drift/object-paths.js';

describe('object paths', () => {
  it.each([
    ['/Users/a@example.com/nb', '/Users/a@example.com/nb'],
    ['Users//a@example.com/nb/', '/Users/a@example.com/nb'],
    ['//Shared///etl', '/Shared/etl'],
    ['/', '/'],
  ])('workspace path %s is %s', (given, expected) => {
    expect(workspacePath(given)).toBe(expected);
  });

  it.each([
    ['dbfs:/FileStore/a.csv', '/FileStore/a.csv'],
    ['/FileStore//jars/', '/FileStore/jars'],
    ['dbfs://FileStore/a', '/FileStore/a'],
    ['/', '/'],
  ])('DBFS path %s is %s', (given, expected) => {
    expect(dbfsPath(given)).toBe(expected);
  });
});
