// Is an object expression a struct device? Decided from declarations: the root variable's
// declared type, then struct definitions member by member, then the configured containers
// (platform_device.dev, …) for structs whose definition was not parsed.
import type { Config } from '../config/types.js';
import type { ObjectRef } from '../parser/summary.js';
import type { CallGraph } from './graph.js';

export function isDeviceObject(graph: CallGraph, config: Config, object: ObjectRef): boolean {
  const type = graph.typeOf(object.rootType, object.members, (t, m) =>
    config.device.containers[t] === m ? config.device.structs[0] : undefined,
  );
  return type !== undefined && config.device.structs.includes(type);
}
