// What the call graph takes from rules.yaml: the callbacks the kernel itself calls (entry points
// and ops pairs), whose calls through members stay out of the graph, and the device containers
// that type `pdev->dev` where a struct definition was not parsed.
import picomatch from 'picomatch';
import type { Config } from '../config/types.js';
import type { GraphOptions } from './graph.js';

export function graphOptions(config: Config): GraphOptions {
  return {
    entries: [
      ...config.entryPoints.map((e) => ({ ...(e.struct ? { struct: e.struct } : {}), field: e.field })),
      ...config.opsPairs.flatMap((p) =>
        [...p.setup, ...p.teardown].map((field) => ({ ...(p.struct ? { struct: p.struct } : {}), field })),
      ),
    ],
    interfaceHeader: picomatch(config.memberCalls.interfaces.length ? config.memberCalls.interfaces : ['\0']),
    containers: config.device.containers,
    maxHolders: config.memberCalls.maxHolders,
    deviceStructs: config.device.structs,
  };
}
