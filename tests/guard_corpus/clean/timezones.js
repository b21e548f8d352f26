// Converts meeting times between offices. Offsets are fixed for the example.
const OFFICES = {
  berlin: "+01:00",
  mumbai: "+05:30",
  newYork: "-05:00",
  tokyo: "+09:00",
};

export function toOffice(isoUtc, office) {
  const offset = OFFICES[office];
  if (!offset) throw new Error(`unknown office ${office}`);
  const sign = offset[0] === "+" ? 1 : -1;
  const [h, m] = offset.slice(1).split(":").map(Number);
  const ms = Date.parse(isoUtc) + sign * (h * 60 + m) * 60 * 1000;
  return new Date(ms).toISOString().replace("Z", offset);
}

// toOffice("2024-01-15T09:00:00Z", "mumbai") === "2024-01-15T14:30:00.000+05:30"
export const EXAMPLES = [
  ["2024-01-15T09:00:00Z", "mumbai", "2024-01-15T14:30:00.000+05:30"],
  ["2024-07-01T23:30:00Z", "tokyo", "2024-07-02T08:30:00.000+09:00"],
];

export const counter = (n) => n + 1;
export const scale = (x) => x * 1e+6 + 1e-3;
