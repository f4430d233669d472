import { readFileSync, writeFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

/**
 * Copies a jar (a zip file) with its `META-INF/MANIFEST.MF` replaced by `edit(manifest)`; every
 * other entry is copied byte for byte (still compressed). Enough zip for the jars Java tools write:
 * no zip64, no multi-disk archives, no encryption.
 */
export function rewriteJarManifest(source: string, destination: string, edit: (manifest: string) => string): void {
  const zip = readFileSync(source);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd === -1) throw new Error(`${source} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let central = zip.readUInt32LE(eocd + 16);

  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(central) !== 0x02014b50) throw new Error(`${source}: bad central directory`);
    const nameLength = zip.readUInt16LE(central + 28);
    const extraLength = zip.readUInt16LE(central + 30);
    const commentLength = zip.readUInt16LE(central + 32);
    const localAt = zip.readUInt32LE(central + 42);
    const name = zip.toString("utf8", central + 46, central + 46 + nameLength);
    const header = Buffer.from(zip.subarray(central, central + 46 + nameLength + extraLength + commentLength));
    central += header.length;

    const localNameLength = zip.readUInt16LE(localAt + 26);
    const localExtraLength = zip.readUInt16LE(localAt + 28);
    const compressedSize = zip.readUInt32LE(central - header.length + 20);
    const dataAt = localAt + 30 + localNameLength + localExtraLength;
    let local: Buffer;
    if (name === "META-INF/MANIFEST.MF") {
      const method = zip.readUInt16LE(localAt + 8);
      const stored = zip.subarray(dataAt, dataAt + compressedSize);
      const text = (method === 8 ? inflateRawSync(stored) : stored).toString("utf8");
      const data = Buffer.from(edit(text), "utf8");
      const crc = crc32(data);
      const nameBytes = Buffer.from(name, "utf8");
      local = Buffer.alloc(30 + nameBytes.length);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(10, 4); // version needed
      local.writeUInt16LE(0, 6); // flags: sizes are in this header
      local.writeUInt16LE(0, 8); // stored
      zip.copy(local, 10, localAt + 10, localAt + 14); // time and date as they were
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(nameBytes.length, 26);
      local.writeUInt16LE(0, 28);
      nameBytes.copy(local, 30);
      local = Buffer.concat([local, data]);
      header.writeUInt16LE(0, 8);
      header.writeUInt16LE(0, 10);
      header.writeUInt32LE(crc, 16);
      header.writeUInt32LE(data.length, 20);
      header.writeUInt32LE(data.length, 24);
    } else {
      // Header, data and (when flag bit 3 is set) the data descriptor after it.
      const hasDescriptor = (zip.readUInt16LE(localAt + 6) & 0x08) !== 0;
      let end = dataAt + compressedSize;
      if (hasDescriptor) end += zip.readUInt32LE(end) === 0x08074b50 ? 16 : 12;
      local = zip.subarray(localAt, end);
    }
    header.writeUInt32LE(offset, 42);
    locals.push(local);
    centrals.push(header);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(destination, Buffer.concat([...locals, directory, end]));
}

/** Manifest attribute lines are at most 72 bytes; longer values continue on lines starting with a space. */
export function manifestLine(name: string, value: string): string {
  const bytes = Buffer.from(`${name}: ${value}`, "utf8");
  const lines = [bytes.subarray(0, 72)];
  for (let at = 72; at < bytes.length; at += 71) lines.push(Buffer.concat([Buffer.from(" "), bytes.subarray(at, at + 71)]));
  return lines.map((line) => line.toString("utf8")).join("\r\n");
}

/** The manifest's main attributes, continuation lines joined. */
export function manifestAttributes(manifest: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let last: string | undefined;
  for (const line of manifest.split(/\r?\n/)) {
    if (line === "") break; // the main section ends at the first blank line
    if (line.startsWith(" ") && last) attributes.set(last, `${attributes.get(last) ?? ""}${line.slice(1)}`);
    else {
      const colon = line.indexOf(": ");
      last = line.slice(0, colon);
      attributes.set(last, line.slice(colon + 2));
    }
  }
  return attributes;
}

let table: Uint32Array | undefined;
function crc32(data: Buffer): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
