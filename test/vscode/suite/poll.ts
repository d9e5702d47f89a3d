/**
 * Polls `probe` every 200 ms until it returns a value; on timeout the error shows `state()`
 * (the feature's own state command), so a failure says what the extension saw.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, state: () => Thenable<unknown>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await state())}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
