import { createHash } from 'node:crypto';
import {
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
  routesUnder,
} from './api.js';
import { RequestFields } from './request-fields.js';

/** Limits of BEHAVIOUR.md §1.4. */
const MAX_NAME_LENGTH = 128;
const NAME_PATTERN = /^[A-Za-z0-9\-_.]+$/;
const MAX_VALUE_BYTES = 128 * 1024;
const MAX_SECRETS_PER_SCOPE = 1000;
const MAX_SCOPES = 1000;

export type SecretPermission = 'READ' | 'WRITE' | 'MANAGE';
const PERMISSIONS: readonly SecretPermission[] = ['READ', 'WRITE', 'MANAGE'];

interface StoredSecret {
  readonly value: Buffer;
  readonly lastUpdated: number;
}

interface StoredScope {
  readonly name: string;
  readonly backendType: 'DATABRICKS' | 'AZURE_KEYVAULT';
  readonly keyvault?: { resource_id: string; dns_name: string };
  readonly secrets: Map<string, StoredSecret>;
  readonly acls: Map<string, SecretPermission>;
}

/**
 * The Secrets API (2.0): scopes with DATABRICKS or AZURE_KEYVAULT backends, secrets and scope ACLs.
 *
 * Values are kept but never returned over REST (there is no `secrets/get` route, as BEHAVIOUR.md §1.4
 * says); tests check rotation through {@link SecretsService.valueHash} or the snapshot, which shows
 * SHA-256 hashes only. Every caller is treated as a workspace admin, so ACLs are stored and listed but
 * not enforced.
 */
export class SecretsService implements FakeService {
  readonly name = 'secrets';
  private scopes = new Map<string, StoredScope>();

  constructor(private readonly ctx: FakeContext) {}

  routes(): Route[] {
    const route = routesUnder('2.0', 'secrets');
    return [
      route('POST', 'scopes/create', (req) => this.createScope(req)),
      route('GET', 'scopes/list', () => this.listScopes()),
      route('POST', 'scopes/delete', (req) => this.deleteScope(req)),
      route('POST', 'put', (req) => this.put(req)),
      route('POST', 'delete', (req) => this.deleteSecret(req)),
      route('GET', 'list', (req) => this.listSecrets(req)),
      route('POST', 'acls/put', (req) => this.putAcl(req)),
      route('POST', 'acls/delete', (req) => this.deleteAcl(req)),
      route('GET', 'acls/list', (req) => this.listAcls(req)),
      route('GET', 'acls/get', (req) => this.getAcl(req)),
    ];
  }

  snapshot(): unknown {
    return [...this.scopes.values()].map((scope) => ({
      name: scope.name,
      backend_type: scope.backendType,
      ...(scope.keyvault && { keyvault_metadata: scope.keyvault }),
      secrets: [...scope.secrets.entries()].map(([key, secret]) => ({
        key,
        last_updated_timestamp: secret.lastUpdated,
        value_sha256: sha256(secret.value),
      })),
      acls: Object.fromEntries(scope.acls),
    }));
  }

  reset(): void {
    this.scopes.clear();
  }

  /** SHA-256 (hex) of a stored value, or undefined if there is no such secret: lets tests see rotation. */
  valueHash(scope: string, key: string): string | undefined {
    const secret = this.scopes.get(scope)?.secrets.get(key);
    return secret && sha256(secret.value);
  }

  private createScope(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const name = validName(fields.requiredString('scope'), 'scope');
    const backendType =
      fields.oneOf('scope_backend_type', ['DATABRICKS', 'AZURE_KEYVAULT'] as const) ?? 'DATABRICKS';
    const initialManager = fields.string('initial_manage_principal');
    if (initialManager !== undefined && initialManager !== 'users') {
      throw errors.invalidParameter(
        `initial_manage_principal may only be 'users' (got '${initialManager}'); omit it to give MANAGE to the caller only.`,
      );
    }
    let keyvault: StoredScope['keyvault'];
    if (backendType === 'AZURE_KEYVAULT') {
      const vault = fields.object('backend_azure_keyvault');
      if (!vault) {
        throw errors.invalidParameter(
          `Scope ${name}: backend_azure_keyvault {resource_id, dns_name} is required when scope_backend_type is AZURE_KEYVAULT.`,
        );
      }
      const vaultFields = RequestFields.from(vault);
      keyvault = {
        resource_id: vaultFields.requiredString('resource_id'),
        dns_name: vaultFields.requiredString('dns_name'),
      };
    } else if (fields.has('backend_azure_keyvault')) {
      throw errors.invalidParameter(
        `Scope ${name}: backend_azure_keyvault is only allowed when scope_backend_type is AZURE_KEYVAULT.`,
      );
    }
    if (this.scopes.has(name)) throw errors.alreadyExists(`Scope ${name} already exists!`);
    if (this.scopes.size >= MAX_SCOPES) {
      throw errors.limitExceeded(
        `Cannot create scope ${name}: the workspace already has ${MAX_SCOPES} scopes.`,
      );
    }
    const acls = new Map<string, SecretPermission>([[initialManager ?? req.principal, 'MANAGE']]);
    this.scopes.set(name, { name, backendType, keyvault, secrets: new Map(), acls });
    return {};
  }

  private listScopes(): FakeResponseBody {
    if (this.scopes.size === 0) return {};
    return {
      scopes: [...this.scopes.values()].map((scope) => ({
        name: scope.name,
        backend_type: scope.backendType,
        ...(scope.keyvault && { keyvault_metadata: { ...scope.keyvault } }),
      })),
    };
  }

  private deleteScope(req: FakeRequest): FakeResponseBody {
    const scope = this.scope(RequestFields.of(req).requiredString('scope'));
    this.scopes.delete(scope.name);
    return {};
  }

  private put(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const scopeName = fields.requiredString('scope');
    const key = validName(fields.requiredString('key'), 'key');
    const stringValue = fields.string('string_value');
    const bytesValue = fields.string('bytes_value');
    if ((stringValue === undefined) === (bytesValue === undefined)) {
      throw errors.invalidParameter(
        `Secret ${scopeName}/${key}: give exactly one of string_value and bytes_value (base64).`,
      );
    }
    const value =
      stringValue !== undefined ? Buffer.from(stringValue, 'utf8') : decodeBase64(bytesValue ?? '');
    if (value.length > MAX_VALUE_BYTES) {
      throw errors.invalidParameter(
        `Secret ${scopeName}/${key}: the value is ${value.length} bytes; a secret value may be at most ${MAX_VALUE_BYTES} bytes (128 KB).`,
      );
    }
    const scope = this.scope(scopeName);
    if (scope.backendType === 'AZURE_KEYVAULT') {
      throw errors.badRequest(
        `Scope ${scope.name} is backed by Azure Key Vault and is read-only through Databricks: set the secret in the Key Vault instead.`,
      );
    }
    if (!scope.secrets.has(key) && scope.secrets.size >= MAX_SECRETS_PER_SCOPE) {
      throw errors.limitExceeded(
        `Scope ${scope.name} already holds ${MAX_SECRETS_PER_SCOPE} secrets; delete one before adding ${key}.`,
      );
    }
    scope.secrets.set(key, { value, lastUpdated: this.ctx.clock.now() });
    return {};
  }

  private deleteSecret(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const scope = this.scope(fields.requiredString('scope'));
    const key = fields.requiredString('key');
    if (scope.backendType === 'AZURE_KEYVAULT') {
      throw errors.badRequest(
        `Scope ${scope.name} is backed by Azure Key Vault: delete the secret in the Key Vault.`,
      );
    }
    if (!scope.secrets.delete(key)) {
      throw errors.notFound(`Secret ${key} does not exist in scope ${scope.name}`);
    }
    return {};
  }

  private listSecrets(req: FakeRequest): FakeResponseBody {
    const scope = this.scope(RequestFields.of(req).requiredString('scope'));
    if (scope.secrets.size === 0) return {};
    return {
      secrets: [...scope.secrets.entries()].map(([key, secret]) => ({
        key,
        last_updated_timestamp: secret.lastUpdated,
      })),
    };
  }

  private putAcl(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const scope = this.scope(fields.requiredString('scope'));
    const principal = fields.requiredString('principal');
    const permission = fields.oneOf('permission', PERMISSIONS);
    if (permission === undefined) throw errors.invalidParameter('Missing required field: permission');
    scope.acls.set(principal, permission);
    return {};
  }

  private deleteAcl(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const scope = this.scope(fields.requiredString('scope'));
    const principal = fields.requiredString('principal');
    if (!scope.acls.delete(principal)) {
      throw errors.notFound(`Principal ${principal} has no ACL on scope ${scope.name}`);
    }
    return {};
  }

  private listAcls(req: FakeRequest): FakeResponseBody {
    const scope = this.scope(RequestFields.of(req).requiredString('scope'));
    if (scope.acls.size === 0) return {};
    return { items: [...scope.acls.entries()].map(([principal, permission]) => ({ principal, permission })) };
  }

  private getAcl(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const scope = this.scope(fields.requiredString('scope'));
    const principal = fields.requiredString('principal');
    const permission = scope.acls.get(principal);
    if (!permission) throw errors.notFound(`Principal ${principal} has no ACL on scope ${scope.name}`);
    return { principal, permission };
  }

  private scope(name: string): StoredScope {
    const scope = this.scopes.get(name);
    if (!scope) throw errors.notFound(`Scope ${name} does not exist`);
    return scope;
  }
}

function validName(name: string, field: 'scope' | 'key'): string {
  if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
    throw errors.invalidParameter(
      `${field === 'scope' ? 'Scope' : 'Key'} name '${name}' is invalid: use at most ${MAX_NAME_LENGTH} characters, each alphanumeric, '-', '_' or '.'.`,
    );
  }
  return name;
}

function decodeBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
    throw errors.invalidParameter('bytes_value must be base64-encoded.');
  }
  return Buffer.from(text, 'base64');
}

function sha256(value: Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
