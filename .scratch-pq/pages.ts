import { open } from 'node:fs/promises';
import { parquetMetadata } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
const fh = await open(process.argv[2]!);
const buf = await fh.readFile();
const md = parquetMetadata(buf);
for (const [g, rg] of md.row_groups.entries()) { if (g > 0) break;
  for (const c of rg.columns) {
    const m = c.meta_data!; let pos = Number(m.dictionary_page_offset || m.data_page_offset); const end = pos + Number(m.total_compressed_size);
    const pages: string[] = [];
    while (pos < end) { const r = { view: new DataView(buf.buffer, buf.byteOffset + pos, end - pos), offset: 0 }; const h = parquetHeader(r); pages.push(`${h.type[0]}${h.type.endsWith('V2') ? '2' : ''}:${h.data_page_header?.num_values ?? h.data_page_header_v2?.num_values ?? h.dictionary_page_header?.num_values}/${(h.uncompressed_page_size/1024).toFixed(0)}K`); pos += r.offset + h.compressed_page_size; }
    console.log(m.path_in_schema.join('.'), pages.length, pages.slice(0, 6).join(' '));
  }
}
