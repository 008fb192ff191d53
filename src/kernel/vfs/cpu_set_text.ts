// CPU sets as Linux prints them: /proc/PID/status's Cpus_allowed lines and sysfs's topology and
// NUMA files (cpumap, *_siblings, *_cpus and their *_list forms).

/** Linux's CPU list: ascending ranges ("0-3,6"). */
export function cpuList(cpus: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    ranges.push(i === j ? String(cpus[i]) : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

/**
 * Linux's hex CPU mask ("%*pb"): zero-padded to `digits` hex digits, in groups of 32 bits
 * split by commas ("ff,ffffffff" for 40 CPUs).
 */
export function cpuMask(cpus: readonly number[], digits: number): string {
  let mask = 0n;
  for (const cpu of cpus) mask |= 1n << BigInt(cpu);
  const hex = mask.toString(16).padStart(digits, '0');
  const groups: string[] = [];
  for (let end = hex.length; end > 0; end -= 8) groups.unshift(hex.slice(Math.max(0, end - 8), end));
  return groups.join(',');
}
