// "1 file" / "2 files": a count with its noun, for every screen and message that counts things.

const count = new Intl.NumberFormat('en-US');

export function plural(n: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count.format(n)} ${n === 1 ? noun : nounPlural}`;
}
