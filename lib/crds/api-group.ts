/** The API group every custom resource of this project belongs to. */
export const API_GROUP = 'databricks.operator.dev';

/** The one served (and stored) version of every kind. */
export const API_VERSION = 'v1alpha1';

/** `apiVersion` as it appears in manifests: `<group>/<version>`. */
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** The category every kind belongs to, so `kubectl get databricks` lists them all. */
export const API_CATEGORY = 'databricks';
