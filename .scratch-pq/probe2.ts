import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
const f = await asyncBufferFromFile(process.argv[2]!);
const md = await parquetMetadataAsync(f, { geoparquet: false });
const raw = { ...md, schema: md.schema.map((e, i) => {
  if (i === 0) return e;
  if (e.num_children) { return e.converted_type === 'LIST' ? e : { ...e, converted_type: undefined, logical_type: undefined }; }
  const keepUtf8 = e.converted_type === 'UTF8' || e.converted_type === 'JSON' || e.logical_type?.type === 'STRING';
  return { ...e, converted_type: keepUtf8 ? 'UTF8' as const : undefined, logical_type: undefined };
}) };
const rows = await parquetReadObjects({ file: f, metadata: raw, utf8: false });
console.dir(rows, { depth: 10 });
