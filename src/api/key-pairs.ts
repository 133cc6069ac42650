/** Key pair operations: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair. */
import { invalidValue } from '../engine/errors.js';
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import { createKeyPair, deleteKeyPair, getKeyPairById, getKeyPairByName, importKeyPair } from '../engine/key-pair.js';
import type { KeyPair } from '../engine/model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { handlers } from './handler.js';

/** The filters the DescribeKeyPairs reference lists. */
export const keyPairFilters: FilterSpec<KeyPair> = {
  resourceName: 'key-pair',
  tags: (k) => k.tags,
  getters: {
    'key-pair-id': (k) => k.id,
    fingerprint: (k) => k.fingerprint,
    'key-name': (k) => k.name,
  },
};

function keyPairView(k: KeyPair, includePublicKey: boolean) {
  return {
    KeyPairId: k.id,
    KeyType: k.keyType,
    Tags: tagList(k.tags) ?? [],
    PublicKey: includePublicKey ? k.publicKey : undefined,
    CreateTime: k.createTime,
    KeyName: k.name,
    KeyFingerprint: k.fingerprint,
  };
}

const KEY_TYPES = ['rsa', 'ed25519'] as const;
const KEY_FORMATS = ['pem', 'ppk'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], param: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw invalidValue(`Value (${value}) for parameter ${param} is invalid. Valid values are: ${allowed.join(', ')}.`);
  return value as T;
}

export const keyPairHandlers = handlers({
  CreateKeyPair: (ctx, input) => {
    const type = oneOf(input.KeyType, KEY_TYPES, 'KeyType');
    const format = oneOf(input.KeyFormat, KEY_FORMATS, 'KeyFormat');
    const tags = tagsFromSpecs(input.TagSpecifications, 'key-pair');
    const { keyPair: k, privateKey } = createKeyPair(ctx.region, input.KeyName, type, format, tags);
    return { KeyPairId: k.id, Tags: tagList(k.tags), KeyName: k.name, KeyFingerprint: k.fingerprint, KeyMaterial: privateKey };
  },

  ImportKeyPair: (ctx, input) => {
    const tags = tagsFromSpecs(input.TagSpecifications, 'key-pair');
    const k = importKeyPair(ctx.region, input.KeyName, input.PublicKeyMaterial, tags);
    return { KeyFingerprint: k.fingerprint, KeyName: k.name, KeyPairId: k.id, Tags: tagList(k.tags) };
  },

  DescribeKeyPairs: (ctx, input) => {
    const match = compileFilters(keyPairFilters, input.Filters);
    // Every name and id given must exist (InvalidKeyPair.NotFound), each listed once.
    const chosen = new Map<string, KeyPair>();
    for (const name of input.KeyNames ?? []) {
      const k = getKeyPairByName(ctx.region, name);
      chosen.set(k.id, k);
    }
    for (const id of input.KeyPairIds ?? []) {
      const k = getKeyPairById(ctx.region, id);
      chosen.set(k.id, k);
    }
    const pool = input.KeyNames?.length || input.KeyPairIds?.length ? chosen.values() : ctx.region.keyPairs.values();
    const items = [...pool].filter(match).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { KeyPairs: items.map((k) => keyPairView(k, input.IncludePublicKey === true)) };
  },

  DeleteKeyPair: (ctx, input) => {
    const k = deleteKeyPair(ctx.region, input.KeyName, input.KeyPairId);
    return { Return: true, KeyPairId: k?.id };
  },
});
