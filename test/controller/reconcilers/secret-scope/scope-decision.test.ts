/**
 * The secret scope decision as a table: whether the name is claimed or held, what Databricks lists, and
 * what the reconcile does. No I/O.
 */
import { describeDecision } from '../../../../controller/reconcilers/managed/decision.js';
import {
  decideScope,
  needsScopeListing,
  type ScopeDecision,
  type ScopeFacts,
} from '../../../../controller/reconcilers/secret-scope/scope-decision.js';

const HOST = 'https://adb-1.azuredatabricks.net';
const unclaimed: ScopeFacts = {
  name: 'team.creds',
  claimed: false,
  adopt: false,
  defaultName: true,
  backend: 'DATABRICKS',
  host: HOST,
};
const named = { ...unclaimed, name: 'shared', defaultName: false };
const listed = { existing: { backend_type: 'DATABRICKS' } };

describe('what to do with a secret scope name', () => {
  it.each<[string, ScopeFacts, boolean, ScopeDecision, string]>([
    [
      'claimed already: go on to its keys',
      { ...unclaimed, claimed: true },
      false,
      { action: 'none' },
      'none',
    ],
    ['no scope of the name: create it', unclaimed, true, { action: 'create' }, 'create'],
    [
      'held by another live object',
      { ...named, heldBy: 'team/other' },
      false,
      {
        action: 'refuse',
        reason: 'OwnedElsewhere',
        message:
          'secret scope shared belongs to DatabricksSecretScope team/other; delete that object (deletionPolicy Retain keeps the scope) or choose another spec.scopeName',
      },
      'refuse (OwnedElsewhere: secret scope shared belongs to DatabricksSecretScope team/other; delete that object (deletionPolicy Retain keeps the scope) or choose another spec.scopeName)',
    ],
    [
      'made by someone else, no spec.adopt',
      { ...named, ...listed },
      true,
      {
        action: 'refuse',
        reason: 'ScopeExists',
        message: `secret scope shared already exists in ${HOST} and this object did not create it; set spec.adopt to take it over, choose another name (spec.scopeName), or delete the scope in Databricks to let this object create it`,
      },
      `refuse (ScopeExists: secret scope shared already exists in ${HOST} and this object did not create it; set spec.adopt to take it over, choose another name (spec.scopeName), or delete the scope in Databricks to let this object create it)`,
    ],
    [
      'made by someone else, spec.adopt: taken over, nothing written to Databricks',
      { ...named, ...listed, adopt: true },
      true,
      { action: 'adopt', diff: [], cause: 'Adopted' },
      'adopt (marker only)',
    ],
    [
      'of its default name, left by an earlier object of this name: reclaimed',
      { ...unclaimed, ...listed },
      true,
      { action: 'adopt', diff: [], cause: 'Reclaimed' },
      'adopt (marker only)',
    ],
    [
      'spec.adopt of a scope of another backend',
      { ...named, existing: { backend_type: 'AZURE_KEYVAULT' }, adopt: true },
      true,
      {
        action: 'refuse',
        reason: 'ScopeExists',
        message: `spec.adopt: secret scope shared in ${HOST} has backend AZURE_KEYVAULT, but spec.backend asks for DATABRICKS; a scope's backend cannot change, so set spec.backend to match or choose another spec.scopeName`,
      },
      `refuse (ScopeExists: spec.adopt: secret scope shared in ${HOST} has backend AZURE_KEYVAULT, but spec.backend asks for DATABRICKS; a scope's backend cannot change, so set spec.backend to match or choose another spec.scopeName)`,
    ],
  ])('%s', (_, facts, listing, decision, line) => {
    expect(needsScopeListing(facts)).toBe(listing);
    const decided = decideScope(facts);
    expect(decided).toEqual(decision);
    expect(describeDecision(decided)).toBe(line);
  });
});
