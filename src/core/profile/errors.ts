/** A profile that cannot be read: names the file, the format tried and what was wrong. */
export class ProfileImportError extends Error {
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly format: string | undefined,
    /** Byte offset or "line N" where the problem was found, when known. */
    readonly position?: string,
  ) {
    super(message);
    this.name = 'ProfileImportError';
  }

  /** One line for a terminal: "file: format: message (at position)". */
  toLine(): string {
    const where = this.position ? ` (at ${this.position})` : '';
    return `${this.file ?? '<input>'}: ${this.format ?? 'unknown format'}: ${this.message}${where}`;
  }
}
