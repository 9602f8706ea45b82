import type { PropertyOwner, PropertyVault } from '../store/property-vault';
import type { Catalog } from './catalog';
import { SealedValueError, isSealed, type SecretBox } from './secret-box';
import { sensitiveKeys } from './secrets';

/**
 * The flow store's vault (lib/store/property-vault.ts): the secrets a type's spec names
 * (`sensitiveKeys`, the same rule that masks answers) are sealed with the server's key on every
 * write and opened on every read.
 *
 * - Only non-empty strings are sealed: '' stays '' so "no password" reads as unset.
 * - A secret still in clear (written before secrets were sealed) reads as it is, and is sealed by
 *   `reseal`, which the server runs at start.
 * - A type this server does not know has no spec to say which values are secrets: its properties
 *   are stored and read as they are, except that a rotation re-seals whatever is sealed in them.
 */
export function sealedProperties(types: Catalog, box: SecretBox): PropertyVault {
  const secretKeysOf = (owner: PropertyOwner) => {
    const spec = owner.kind === 'processor' ? types.specOf(owner.type) : types.serviceSpecOf(owner.type);
    return spec ? sensitiveKeys(spec.properties) : undefined;
  };
  const open = (owner: PropertyOwner, key: string, sealed: string) => {
    try {
      return box.open(sealed);
    } catch (error) {
      if (!(error instanceof SealedValueError)) throw error;
      const message = `cannot read the secret "${key}" of ${owner.kind} "${owner.name}" (${owner.type}): ${error.message}`;
      throw new SealedValueError(message, error.keyId);
    }
  };

  return {
    seal(owner, properties) {
      const secrets = secretKeysOf(owner);
      if (!secrets) return properties;
      const sealed = { ...properties };
      for (const key of secrets) if (typeof sealed[key] === 'string' && sealed[key] !== '') sealed[key] = box.seal(sealed[key]);
      return sealed;
    },

    open(owner, properties) {
      const secrets = secretKeysOf(owner);
      if (!secrets) return properties;
      const opened = { ...properties };
      for (const key of secrets) if (isSealed(opened[key])) opened[key] = open(owner, key, opened[key]);
      return opened;
    },

    reseal(owner, stored) {
      const secrets = secretKeysOf(owner);
      const resealed = { ...stored };
      let changed = false;
      for (const [key, value] of Object.entries(stored)) {
        if (typeof value !== 'string' || value === '') continue;
        // without a spec, a sealed value is the only sign of a secret
        const secret = secrets ? secrets.has(key) : isSealed(value);
        if (!secret || (isSealed(value) && box.sealsWithCurrentKey(value))) continue;
        resealed[key] = box.seal(isSealed(value) ? open(owner, key, value) : value);
        changed = true;
      }
      return changed ? resealed : undefined;
    },
  };
}
