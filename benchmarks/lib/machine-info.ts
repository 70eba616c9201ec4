import { cpus, platform, arch, totalmem } from 'node:os';

/** What a benchmark ran on: printed with every result so figures can be compared honestly. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
}

/** Describes this machine and the current date (ISO 8601, UTC). */
export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()}-${arch()}`,
    date: new Date().toISOString(),
  };
}

/** One Markdown line describing the machine, for benchmark reports. */
export function machineLine(info: MachineInfo = machineInfo()): string {
  return `Machine: ${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node} (${info.platform}); ${info.date}`;
}
