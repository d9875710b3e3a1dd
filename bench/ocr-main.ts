// npx tsx bench/ocr-main.ts  →  one "BENCH <name> <value> <unit>" line per measure.
import { benchOcr } from './ocr';

await benchOcr((name, value, unit) => console.log(`BENCH ${name} ${value} ${unit}`));
