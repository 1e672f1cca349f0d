// Nested Parquet values (LIST, MAP, STRUCT, repeated fields) as JSON text for jsonb columns.
// Works on the structures the decoder assembles from the raw schema: arrays for lists and repeated
// fields, plain objects keyed by field name for structs, and { <entries>: [{ key, value }] } for
// maps. Leaves go through parquet-values' JSON converters, so int64 and decimals keep every digit.
// Maps with text keys become JSON objects; maps with any other key type become arrays of
// {"key": ..., "value": ...} objects.

import type { ValueNode } from './parquet-types.ts';
import { jsonConverter } from './parquet-values.ts';

type ToJson = (value: unknown) => string;

const isAbsent = (value: unknown): boolean => value === null || value === undefined;

/**
 * Builds a converter from an assembled value of `node` to JSON text. An absent value is JSON null,
 * or [] for a repeated field (which cannot be null; the decoder reports an empty one as null).
 */
export function nestedJsonConverter(node: ValueNode): ToJson {
  const single = singleConverter(node);
  const orNull: ToJson = (value) => (isAbsent(value) ? 'null' : single(value));
  if (!node.repeated) return orNull;
  const array = arrayOf(orNull);
  return (value) => (isAbsent(value) ? '[]' : array(value));
}

/** JSON array of items; `convertItem` also handles absent items. */
function arrayOf(convertItem: ToJson): ToJson {
  return (value) => {
    const items = value as unknown[];
    let out = '[';
    for (let i = 0; i < items.length; i++) {
      if (i) out += ',';
      out += convertItem(items[i]);
    }
    return `${out}]`;
  };
}

function singleConverter(node: ValueNode): ToJson {
  switch (node.type) {
    case 'leaf':
      return jsonConverter(node.leaf);
    case 'list':
      return arrayOf(nestedJsonConverter(node.element));
    case 'struct': {
      const fields = node.fields.map((field) => ({
        name: field.name,
        prefix: JSON.stringify(field.name),
        convert: nestedJsonConverter(field),
      }));
      return (value) => {
        const record = value as Record<string, unknown>;
        let out = '{';
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i] as (typeof fields)[number];
          if (i) out += ',';
          out += `${field.prefix}:${field.convert(record[field.name])}`;
        }
        return `${out}}`;
      };
    }
    case 'map': {
      const { entriesName, stringKeys } = node;
      const convertKey = nestedJsonConverter(node.key);
      const convertValue = nestedJsonConverter(node.value);
      const keyName = node.key.name;
      const valueName = node.value.name;
      return (value) => {
        const entries = (value as Record<string, unknown>)[entriesName] as Record<string, unknown>[] | null | undefined;
        if (isAbsent(entries)) return stringKeys ? '{}' : '[]';
        const list = entries as Record<string, unknown>[];
        let out = stringKeys ? '{' : '[';
        for (let i = 0; i < list.length; i++) {
          const entry = list[i] ?? {};
          if (i) out += ',';
          if (stringKeys) {
            const key = entry[keyName];
            out += `${JSON.stringify(isAbsent(key) ? '' : String(key))}:${convertValue(entry[valueName])}`;
          } else {
            out += `{"key":${convertKey(entry[keyName])},"value":${convertValue(entry[valueName])}}`;
          }
        }
        return out + (stringKeys ? '}' : ']');
      };
    }
  }
}
