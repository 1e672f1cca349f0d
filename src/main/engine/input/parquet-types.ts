// Parquet schema -> PostgreSQL types. Reads the annotated schema once, decides for every leaf how its
// raw physical values are to be converted (a LeafKind) and for every top-level column which
// PostgreSQL type it maps to. It also builds the "raw" schema handed to the decoder: leaf
// annotations are stripped so hyparquet returns exact physical values (no lossy DECIMAL/timestamp
// conversion), only text-like leaves keep a UTF8 annotation so strings are decoded (once per
// dictionary), and only LIST groups keep their annotation (MAP groups are assembled as plain
// repeated key/value structs and turned into JSON here, never through JavaScript objects).

import type { FileMetaData, SchemaElement, SchemaTree, TimeUnit } from 'hyparquet';
import { parquetSchema } from 'hyparquet';

export type LeafKind =
  | { kind: 'boolean' }
  /** INT32 holding a signed value (also UINT_8/UINT_16, which never use the sign bit). */
  | { kind: 'int32' }
  | { kind: 'uint32' }
  | { kind: 'int64' }
  | { kind: 'uint64' }
  | { kind: 'float' }
  | { kind: 'double' }
  | { kind: 'float16' }
  /** Decoded to a JavaScript string by the decoder (STRING, UTF8, ENUM). */
  | { kind: 'string' }
  /** JSON text, decoded to a string by the decoder and passed through unparsed. */
  | { kind: 'json' }
  | { kind: 'binary' }
  | { kind: 'uuid' }
  | { kind: 'decimal'; scale: number }
  | { kind: 'date' }
  | { kind: 'time'; unit: TimeUnit }
  | { kind: 'timestamp'; unit: TimeUnit; utc: boolean }
  | { kind: 'int96' }
  | { kind: 'interval' }
  /** Logical type NULL/UNKNOWN: always null. */
  | { kind: 'null' };

interface NodeBase {
  name: string;
  /** A repeated field not consumed by a LIST/MAP annotation: its value is an array. */
  repeated: boolean;
}
export type ValueNode =
  | (NodeBase & { type: 'leaf'; leaf: LeafKind; pgType: string })
  | (NodeBase & { type: 'list'; element: ValueNode })
  | (NodeBase & { type: 'map'; entriesName: string; key: ValueNode; value: ValueNode; stringKeys: boolean })
  | (NodeBase & { type: 'struct'; fields: ValueNode[] });

export interface ParquetColumnPlan {
  name: string;
  pgType: string;
  node: ValueNode;
  /** Node of the raw schema tree for this top-level column (what the decoder assembles). */
  rawTree: SchemaTree;
  /** Leaf paths (path_in_schema) belonging to this column, in file order. */
  leafPaths: string[][];
  /** True for a non-repeated primitive column: values are converted page by page, no assembly. */
  flat: boolean;
}

export interface ParquetSchemaPlan {
  columns: ParquetColumnPlan[];
  /** Root of the raw schema tree (annotations stripped as described above). */
  rawRoot: SchemaTree;
  /** Every leaf path in file (column chunk) order. */
  leafPaths: string[][];
}

/** A feature this reader cannot convert; the caller turns it into fileUnsupported. */
export class UnsupportedParquetFeature extends Error {
  readonly column: string;
  constructor(column: string, message: string) {
    super(message);
    this.name = 'UnsupportedParquetFeature';
    this.column = column;
  }
}

/** Builds the conversion plan. Throws UnsupportedParquetFeature, or any Error for a malformed schema. */
export function planSchema(metadata: FileMetaData): ParquetSchemaPlan {
  const annotated = parquetSchema(metadata);
  const rawSchema = metadata.schema.map((element) => ({ ...element }));
  const columns: ParquetColumnPlan[] = [];
  const leafPaths: string[][] = [];
  // Index of each element in the flat schema list, so the raw copy can be edited in place.
  const indexOf = new Map<SchemaElement, number>();
  metadata.schema.forEach((element, index) => indexOf.set(element, index));

  const context: PlanContext = {
    stripGroup(tree) {
      const raw = rawSchema[indexOf.get(tree.element) ?? -1];
      if (raw) {
        raw.converted_type = undefined;
        raw.logical_type = undefined;
      }
    },
    markList(tree) {
      const raw = rawSchema[indexOf.get(tree.element) ?? -1];
      if (raw) raw.converted_type = 'LIST';
    },
    rawLeaf(tree, textual) {
      const raw = rawSchema[indexOf.get(tree.element) ?? -1];
      if (!raw) return;
      raw.converted_type = textual ? 'UTF8' : undefined;
      raw.logical_type = textual ? { type: 'STRING' } : undefined;
      raw.scale = undefined;
      raw.precision = undefined;
    },
  };

  for (const child of annotated.children) {
    const node = planNode(child, child.path.join('.'), context, child.element.repetition_type === 'REPEATED');
    const paths = collectLeafPaths(child);
    leafPaths.push(...paths);
    const flat = node.type === 'leaf' && !node.repeated;
    columns.push({
      name: child.element.name,
      pgType: node.type === 'leaf' && !node.repeated ? node.pgType : 'jsonb',
      node,
      rawTree: child, // replaced below by the raw tree's node
      leafPaths: paths,
      flat,
    });
  }

  const rawRoot = parquetSchema({ schema: rawSchema });
  columns.forEach((column, index) => {
    const rawChild = rawRoot.children[index];
    if (!rawChild) throw new Error('parquet schema tree mismatch');
    column.rawTree = rawChild;
  });
  return { columns, rawRoot, leafPaths };
}

interface PlanContext {
  stripGroup(tree: SchemaTree): void;
  markList(tree: SchemaTree): void;
  rawLeaf(tree: SchemaTree, textual: boolean): void;
}

function collectLeafPaths(tree: SchemaTree): string[][] {
  if (!tree.children.length) return [tree.path];
  return tree.children.flatMap(collectLeafPaths);
}

/** Mirrors hyparquet's isListLike (schema.js), which the raw schema satisfies through markList. */
function isListLike(tree: SchemaTree): boolean {
  if (tree.element.converted_type !== 'LIST' && tree.element.logical_type?.type !== 'LIST') return false;
  if (tree.children.length > 1) return false;
  const first = tree.children[0];
  if (!first) return false;
  if (first.children.length > 1) return false;
  return first.element.repetition_type === 'REPEATED';
}

function isMapLike(tree: SchemaTree): boolean {
  const annotated =
    tree.element.converted_type === 'MAP' ||
    tree.element.converted_type === 'MAP_KEY_VALUE' ||
    tree.element.logical_type?.type === 'MAP';
  if (!annotated || tree.children.length !== 1) return false;
  const entries = tree.children[0];
  if (!entries || entries.element.repetition_type !== 'REPEATED' || entries.children.length !== 2) return false;
  return entries.children.every((child) => child.element.repetition_type !== 'REPEATED' || child.children.length > 0);
}

function planNode(tree: SchemaTree, columnPath: string, context: PlanContext, repeated: boolean): ValueNode {
  const { element } = tree;
  const name = element.name;
  // Malformed schemas are plain errors (the caller reports a corrupt footer), not unsupported features.
  if (typeof name !== 'string') throw new Error('a schema element has no name');
  if (!tree.children.length && element.type === undefined) throw new Error(`column "${columnPath}" has no physical type`);
  if (!tree.children.length) {
    const { leaf, pgType } = leafKind(element, columnPath);
    context.rawLeaf(tree, leaf.kind === 'string' || leaf.kind === 'json');
    return { type: 'leaf', name, repeated, leaf, pgType };
  }
  if (element.logical_type?.type === 'VARIANT') {
    throw new UnsupportedParquetFeature(columnPath, 'the VARIANT logical type is not supported');
  }
  if (isListLike(tree)) {
    // Same element choice as hyparquet's assembleNested: the repeated group's only child (3-level
    // list) or the repeated field itself (2-level list).
    context.markList(tree);
    const repeatedChild = tree.children[0] as SchemaTree;
    let elementTree = repeatedChild;
    let elementRepeated = false;
    if (repeatedChild.children.length === 1) {
      context.stripGroup(repeatedChild);
      elementTree = repeatedChild.children[0] as SchemaTree;
      elementRepeated = elementTree.element.repetition_type === 'REPEATED';
    }
    const element = planNode(elementTree, `${columnPath}.${elementTree.element.name}`, context, elementRepeated);
    return { type: 'list', name, repeated, element };
  }
  context.stripGroup(tree);
  if (isMapLike(tree)) {
    const entries = tree.children[0] as SchemaTree;
    context.stripGroup(entries);
    const keyTree = entries.children.find((c) => c.element.name === 'key') ?? (entries.children[0] as SchemaTree);
    const valueTree = entries.children.find((c) => c !== keyTree) as SchemaTree;
    const key = planNode(keyTree, `${columnPath}.${entries.element.name}.${keyTree.element.name}`, context, false);
    const value = planNode(
      valueTree,
      `${columnPath}.${entries.element.name}.${valueTree.element.name}`,
      context,
      valueTree.element.repetition_type === 'REPEATED',
    );
    const stringKeys = key.type === 'leaf' && !key.repeated && key.leaf.kind === 'string';
    return { type: 'map', name, repeated, entriesName: entries.element.name, key, value, stringKeys };
  }
  const fields = tree.children.map((child) =>
    planNode(child, `${columnPath}.${child.element.name}`, context, child.element.repetition_type === 'REPEATED'),
  );
  return { type: 'struct', name, repeated, fields };
}

const unsupported = (column: string, what: string): UnsupportedParquetFeature =>
  new UnsupportedParquetFeature(column, what);

/** Decides the conversion and PostgreSQL type of one primitive (leaf) schema element. */
export function leafKind(element: SchemaElement, column: string): { leaf: LeafKind; pgType: string } {
  const physical = element.type;
  const logical = element.logical_type;
  const converted = element.converted_type;
  const describe = (annotation: string): string => `${annotation} on ${physical ?? 'an untyped field'}`;
  const mismatch = (annotation: string): UnsupportedParquetFeature =>
    unsupported(column, `${describe(annotation)} is not supported`);

  // Logical types (the newer annotation) win over converted types.
  switch (logical?.type) {
    case 'STRING':
    case 'ENUM':
      if (physical !== 'BYTE_ARRAY' && physical !== 'FIXED_LEN_BYTE_ARRAY') throw mismatch(logical.type);
      return { leaf: { kind: 'string' }, pgType: 'text' };
    case 'JSON':
      if (physical !== 'BYTE_ARRAY') throw mismatch('JSON');
      return { leaf: { kind: 'json' }, pgType: 'jsonb' };
    case 'BSON':
      if (physical !== 'BYTE_ARRAY') throw mismatch('BSON');
      return { leaf: { kind: 'binary' }, pgType: 'bytea' };
    case 'UUID':
      if (physical !== 'FIXED_LEN_BYTE_ARRAY' || element.type_length !== 16) throw mismatch('UUID');
      return { leaf: { kind: 'uuid' }, pgType: 'uuid' };
    case 'FLOAT16':
      if (physical !== 'FIXED_LEN_BYTE_ARRAY' || element.type_length !== 2) throw mismatch('FLOAT16');
      return { leaf: { kind: 'float16' }, pgType: 'real' };
    case 'DECIMAL':
      return decimal(element, logical.precision, logical.scale, column);
    case 'DATE':
      if (physical !== 'INT32') throw mismatch('DATE');
      return { leaf: { kind: 'date' }, pgType: 'date' };
    case 'TIME':
      return time(element, logical.unit, column);
    case 'TIMESTAMP':
      if (physical !== 'INT64') throw mismatch('TIMESTAMP');
      return {
        leaf: { kind: 'timestamp', unit: logical.unit, utc: logical.isAdjustedToUTC },
        pgType: logical.isAdjustedToUTC ? 'timestamp with time zone' : 'timestamp without time zone',
      };
    case 'INTEGER':
      return integer(element, logical.bitWidth, logical.isSigned, column);
    case 'INTERVAL':
      return interval(element, column);
    case 'NULL':
      return { leaf: { kind: 'null' }, pgType: 'text' };
    case 'GEOMETRY':
    case 'GEOGRAPHY':
      if (physical !== 'BYTE_ARRAY') throw mismatch(logical.type);
      return { leaf: { kind: 'binary' }, pgType: 'bytea' };
    case 'VARIANT':
      throw unsupported(column, 'the VARIANT logical type is not supported');
    case 'MAP':
    case 'LIST':
      throw unsupported(column, `${logical.type} annotation on a primitive field is not supported`);
    case undefined:
      break;
    default:
      throw unsupported(column, `logical type ${(logical as { type: string }).type} is not supported`);
  }

  switch (converted) {
    case 'UTF8':
    case 'ENUM':
      if (physical !== 'BYTE_ARRAY' && physical !== 'FIXED_LEN_BYTE_ARRAY') throw mismatch(converted);
      return { leaf: { kind: 'string' }, pgType: 'text' };
    case 'JSON':
      if (physical !== 'BYTE_ARRAY') throw mismatch('JSON');
      return { leaf: { kind: 'json' }, pgType: 'jsonb' };
    case 'BSON':
      if (physical !== 'BYTE_ARRAY') throw mismatch('BSON');
      return { leaf: { kind: 'binary' }, pgType: 'bytea' };
    case 'DECIMAL':
      return decimal(element, element.precision, element.scale ?? 0, column);
    case 'DATE':
      if (physical !== 'INT32') throw mismatch('DATE');
      return { leaf: { kind: 'date' }, pgType: 'date' };
    case 'TIME_MILLIS':
      return time(element, 'MILLIS', column);
    case 'TIME_MICROS':
      return time(element, 'MICROS', column);
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
      // The legacy converted types are defined as UTC-adjusted instants.
      if (physical !== 'INT64') throw mismatch(converted);
      return {
        leaf: { kind: 'timestamp', unit: converted === 'TIMESTAMP_MILLIS' ? 'MILLIS' : 'MICROS', utc: true },
        pgType: 'timestamp with time zone',
      };
    case 'INT_8':
      return integer(element, 8, true, column);
    case 'INT_16':
      return integer(element, 16, true, column);
    case 'INT_32':
      return integer(element, 32, true, column);
    case 'INT_64':
      return integer(element, 64, true, column);
    case 'UINT_8':
      return integer(element, 8, false, column);
    case 'UINT_16':
      return integer(element, 16, false, column);
    case 'UINT_32':
      return integer(element, 32, false, column);
    case 'UINT_64':
      return integer(element, 64, false, column);
    case 'INTERVAL':
      return interval(element, column);
    case 'MAP':
    case 'MAP_KEY_VALUE':
    case 'LIST':
      throw unsupported(column, `${converted} annotation on a primitive field is not supported`);
    case undefined:
      break;
    default:
      throw unsupported(column, `converted type ${String(converted)} is not supported`);
  }

  switch (physical) {
    case 'BOOLEAN':
      return { leaf: { kind: 'boolean' }, pgType: 'boolean' };
    case 'INT32':
      return { leaf: { kind: 'int32' }, pgType: 'integer' };
    case 'INT64':
      return { leaf: { kind: 'int64' }, pgType: 'bigint' };
    case 'INT96':
      return { leaf: { kind: 'int96' }, pgType: 'timestamp with time zone' };
    case 'FLOAT':
      return { leaf: { kind: 'float' }, pgType: 'real' };
    case 'DOUBLE':
      return { leaf: { kind: 'double' }, pgType: 'double precision' };
    case 'BYTE_ARRAY':
      return { leaf: { kind: 'binary' }, pgType: 'bytea' };
    case 'FIXED_LEN_BYTE_ARRAY':
      if (!element.type_length || element.type_length < 0) throw unsupported(column, 'FIXED_LEN_BYTE_ARRAY without a length is not supported');
      return { leaf: { kind: 'binary' }, pgType: 'bytea' };
    default:
      throw unsupported(column, `physical type ${String(physical)} is not supported`);
  }
}

function decimal(
  element: SchemaElement,
  precision: number | undefined,
  scale: number,
  column: string,
): { leaf: LeafKind; pgType: string } {
  const physical = element.type;
  if (physical !== 'INT32' && physical !== 'INT64' && physical !== 'FIXED_LEN_BYTE_ARRAY' && physical !== 'BYTE_ARRAY') {
    throw unsupported(column, `DECIMAL on ${physical ?? 'an untyped field'} is not supported`);
  }
  if (!Number.isInteger(scale) || scale < 0) throw unsupported(column, `DECIMAL with scale ${scale} is not supported`);
  const typed =
    precision !== undefined && Number.isInteger(precision) && precision >= 1 && precision <= 1000 && scale <= precision;
  return { leaf: { kind: 'decimal', scale }, pgType: typed ? `numeric(${precision},${scale})` : 'numeric' };
}

function time(element: SchemaElement, unit: TimeUnit, column: string): { leaf: LeafKind; pgType: string } {
  const expected = unit === 'MILLIS' ? 'INT32' : 'INT64';
  if (element.type !== expected) {
    throw unsupported(column, `TIME(${unit}) on ${element.type ?? 'an untyped field'} is not supported`);
  }
  // isAdjustedToUTC TIME values are emitted as their UTC wall-clock time, as plain time: most writers
  // (e.g. Arrow) set the flag on every time column, which is not a statement about a zone.
  return { leaf: { kind: 'time', unit }, pgType: 'time without time zone' };
}

function integer(
  element: SchemaElement,
  bitWidth: number,
  signed: boolean,
  column: string,
): { leaf: LeafKind; pgType: string } {
  const physical = element.type;
  const expected = bitWidth === 64 ? 'INT64' : 'INT32';
  if (physical !== expected || ![8, 16, 32, 64].includes(bitWidth)) {
    throw unsupported(column, `INTEGER(${bitWidth}, ${signed ? 'signed' : 'unsigned'}) on ${physical ?? 'an untyped field'} is not supported`);
  }
  if (signed) {
    const pgType = bitWidth === 64 ? 'bigint' : bitWidth === 32 ? 'integer' : 'smallint';
    return { leaf: { kind: bitWidth === 64 ? 'int64' : 'int32' }, pgType };
  }
  switch (bitWidth) {
    case 8:
      return { leaf: { kind: 'int32' }, pgType: 'smallint' };
    case 16:
      return { leaf: { kind: 'int32' }, pgType: 'integer' };
    case 32:
      return { leaf: { kind: 'uint32' }, pgType: 'bigint' };
    default:
      return { leaf: { kind: 'uint64' }, pgType: 'numeric(20,0)' };
  }
}

function interval(element: SchemaElement, column: string): { leaf: LeafKind; pgType: string } {
  if (element.type !== 'FIXED_LEN_BYTE_ARRAY' || element.type_length !== 12) {
    throw unsupported(column, `INTERVAL on ${element.type ?? 'an untyped field'} is not supported`);
  }
  return { leaf: { kind: 'interval' }, pgType: 'interval' };
}
