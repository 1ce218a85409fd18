// Processes, Memory, LoadAvg, SystemStat, CPUInfo and Mounts, from the platform's /proc.
import type { HandlersOf, machineApi } from '@bronze/machinery';
import {
  parseCpuinfo,
  parseLoadavg,
  parseMeminfo,
  parseProcStatFile,
  readMounts,
  readProcFile,
  readProcesses,
} from '../platform/procfs.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

const memFields = [
  'memtotal',
  'memfree',
  'memavailable',
  'buffers',
  'cached',
  'swapcached',
  'active',
  'inactive',
  'activeanon',
  'inactiveanon',
  'activefile',
  'inactivefile',
  'unevictable',
  'mlocked',
  'swaptotal',
  'swapfree',
  'dirty',
  'writeback',
  'anonpages',
  'mapped',
  'shmem',
  'slab',
  'sreclaimable',
  'sunreclaim',
  'kernelstack',
  'pagetables',
  'nfsunstable',
  'bounce',
  'writebacktmp',
  'commitlimit',
  'committedas',
  'vmalloctotal',
  'vmallocused',
  'vmallocchunk',
  'hardwarecorrupted',
  'anonhugepages',
  'shmemhugepages',
  'shmempmdmapped',
  'cmatotal',
  'cmafree',
  'hugepagestotal',
  'hugepagesfree',
  'hugepagesrsvd',
  'hugepagessurp',
  'hugepagesize',
  'directmap4k',
  'directmap2m',
  'directmap1g',
] as const;

function int(value: string | undefined): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

function float(value: string | undefined): number {
  const n = Number.parseFloat(value ?? '');
  return Number.isFinite(n) ? n : 0;
}

export function systemHandlers(node: NodeApi): Handlers {
  const proc = node.platform.procRoot;
  return {
    processes: async () => ({
      messages: [{ metadata: replyMetadata(node), processes: await readProcesses(proc) }],
    }),
    memory: async () => {
      const m = parseMeminfo(await readProcFile(proc, 'meminfo'));
      const meminfo = Object.fromEntries(memFields.map((k) => [k, m.get(k) ?? 0n]));
      return { messages: [{ metadata: replyMetadata(node), meminfo }] };
    },
    loadAvg: async () => ({
      messages: [{ metadata: replyMetadata(node), ...parseLoadavg(await readProcFile(proc, 'loadavg')) }],
    }),
    systemStat: async () => ({
      messages: [{ metadata: replyMetadata(node), ...parseProcStatFile(await readProcFile(proc, 'stat')) }],
    }),
    cPUInfo: async () => {
      const cpus = parseCpuinfo(await readProcFile(proc, 'cpuinfo'));
      const cpuInfo = cpus.map((c) => ({
        processor: int(c.get('processor')),
        vendorId: c.get('vendor_id') ?? '',
        cpuFamily: c.get('cpu family') ?? '',
        model: c.get('model') ?? '',
        modelName: c.get('model name') ?? '',
        stepping: c.get('stepping') ?? '',
        microcode: c.get('microcode') ?? '',
        cpuMhz: float(c.get('cpu MHz')),
        cacheSize: c.get('cache size') ?? '',
        physicalId: c.get('physical id') ?? '',
        siblings: int(c.get('siblings')),
        coreId: c.get('core id') ?? '',
        cpuCores: int(c.get('cpu cores')),
        apicId: c.get('apicid') ?? '',
        initialApicId: c.get('initial apicid') ?? '',
        fpu: c.get('fpu') ?? '',
        fpuException: c.get('fpu_exception') ?? '',
        cpuIdLevel: int(c.get('cpuid level')),
        wp: c.get('wp') ?? '',
        flags: (c.get('flags') ?? '').split(' ').filter((f) => f !== ''),
        bugs: (c.get('bugs') ?? '').split(' ').filter((f) => f !== ''),
        bogoMips: float(c.get('bogomips')),
        clFlushSize: int(c.get('clflush size')),
        cacheAlignment: int(c.get('cache_alignment')),
        addressSizes: c.get('address sizes') ?? '',
        powerManagement: c.get('power management') ?? '',
      }));
      return { messages: [{ metadata: replyMetadata(node), cpuInfo }] };
    },
    mounts: async () => ({
      messages: [{ metadata: replyMetadata(node), stats: await readMounts(proc) }],
    }),
  };
}
