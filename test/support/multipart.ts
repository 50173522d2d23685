import crypto from 'node:crypto';

/** A multipart/form-data body with one file field, as a browser or curl -F sends it. */
export function multipartFile(fileName: string, bytes: Uint8Array | string, field = 'file') {
  const boundary = `----subreg${crypto.randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.from(bytes), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
