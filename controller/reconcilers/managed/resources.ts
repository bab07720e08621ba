/** The API server resource of each kind, from the kind definitions the CRDs are generated from. */
import { API_GROUP, API_VERSION, type KindDefinition } from '../../../lib/crds/index.js';
import type { ResourceType } from '../../runtime/kube-client.js';

/** Where the API server serves `kind`: group, version and plural, as the CRD declares them. */
export function resourceOf(kind: Pick<KindDefinition, 'plural'>): ResourceType {
  return { group: API_GROUP, version: API_VERSION, plural: kind.plural };
}
