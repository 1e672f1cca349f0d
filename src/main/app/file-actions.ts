// What the desktop shell can do with a file on this computer; the web host has no such capability
// (a browser downloads instead).
export interface FileActions {
  /** Shows the file in the OS file manager. */
  reveal(path: string): void;
  /** Asks where to save a copy of the file; resolves to the copy's path, or null when cancelled. */
  saveCopy(path: string): Promise<string | null>;
}
