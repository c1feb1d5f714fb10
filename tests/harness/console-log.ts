// The handlers write one JSON line per request with console.log; tests read those lines.

/**
 * Keeps console.log off the test output and records its lines, in every test of the file (jest's
 * `restoreMocks` puts console.log back after each test). The array is the file's: clear it where
 * a test needs only its own lines.
 */
export function recordConsoleLog(): string[] {
  const lines: string[] = [];
  beforeEach(() => {
    jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  });
  return lines;
}
