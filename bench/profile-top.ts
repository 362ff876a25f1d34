/**
 * The top entries of a V8 CPU profile (`node --cpu-prof`, see BENCH_NODE_PROFILE_DIR in
 * bench/README.md) by self time, with their share of the samples: what a Hovor node spends its
 * CPU on under a benchmark.
 *
 *   cd packages/server && node --import tsx ../../bench/profile-top.ts <file.cpuprofile> [count]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const DEFAULT_COUNT = 25;

function topBySelfTime(profile: Profile, count: number): Array<{ name: string; share: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    samples.set(name, (samples.get(name) ?? 0) + 1);
  }
  return [...samples]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, n]) => ({ name, share: n / profile.samples.length }));
}

const [file, count] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top.ts <file.cpuprofile> [count]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
for (const { name, share } of topBySelfTime(profile, Number(count ?? DEFAULT_COUNT))) {
  process.stdout.write(`${(share * 100).toFixed(1).padStart(5)} %  ${name}\n`);
}
