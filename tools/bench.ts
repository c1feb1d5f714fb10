// `npm run bench`: every measurement of the product's speed, in one run. Each section lives in
// tools/bench/ and returns a Markdown block; this file only runs them in order and prints them.
import { existsSync } from "node:fs";
import { join } from "node:path";

interface BenchSection {
  title: string;
  run: () => Promise<string>;
}

const SECTION_MODULES = ["handlers", "policy-check", "load", "start-time"];

async function main(): Promise<void> {
  console.log(
    `# mailer-api benchmark, ${new Date().toISOString().slice(0, 10)}, node ${process.version}\n`,
  );
  for (const name of SECTION_MODULES) {
    if (!existsSync(join(__dirname, "bench", `${name}.ts`))) continue;
    const section = (await import(`./bench/${name}`)) as BenchSection;
    console.log(`## ${section.title}\n`);
    console.log(await section.run());
    console.log("");
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
