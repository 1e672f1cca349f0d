import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
const f = await asyncBufferFromFile(process.argv[2]!);
const md = await parquetMetadataAsync(f);
for (const e of md.schema) console.log(JSON.stringify(e, (k, v) => typeof v === 'bigint' ? v.toString() : v));
console.log(md.created_by, md.row_groups.length, md.row_groups[0]!.columns.map(c => [c.meta_data?.path_in_schema.join('.'), c.meta_data?.codec, c.meta_data?.encodings.join('/'), c.offset_index_offset].join(' ')).join('\n'));
