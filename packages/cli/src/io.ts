/** Where the CLI prints: stdout and stderr by default, arrays in tests. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The process's own stdout and stderr. */
export const processIo: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };
