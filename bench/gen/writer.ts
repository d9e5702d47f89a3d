import * as fs from 'node:fs';

/** Buffered streaming writes, so generated files of any size never exist as one string. */
export class FileWriter {
  private readonly fd: number;
  private pending = '';
  private bytes = 0;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'w');
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 20) this.flush();
  }

  writeBytes(bytes: Uint8Array): void {
    this.flush();
    fs.writeSync(this.fd, bytes);
    this.bytes += bytes.length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending, 'utf8');
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.pending = '';
  }

  /** Closes the file and returns its size in bytes. */
  close(): number {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }
}
