// npx tsx bench/sync-main.ts → BENCH <name> <value> <unit> lines on stdout (notes on stderr).
// Run it niced when others benchmark on this machine: nice -n 10 npx tsx bench/sync-main.ts
import { benchSync, benchIngest, benchLink } from './sync';

const report = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${value} ${unit}`);
const only = process.argv[2];
const run = only === 'ingest' ? benchIngest : only === 'link' ? benchLink : benchSync;
run(report).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
