export async function main(argv: string[]): Promise<number> {
  await Promise.resolve();
  console.error(argv);
  return 0;
}
