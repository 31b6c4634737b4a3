// Is an object expression a struct device? Decided from declarations: the root variable's
// declared type, then struct definitions member by member, then the configured containers
// (platform_device.dev, …) for structs whose definition was not parsed.
import { type Config, type Setter, containerMember } from '../config/types.js';
import type { ArgInfo, CallSite, FunctionSummary, ObjectRef } from '../parser/summary.js';
import type { CallGraph } from './graph.js';

/** The struct an object expression is, where declarations tell; undefined where they do not. */
function structOf(graph: CallGraph, config: Config, object: ObjectRef): string | undefined {
  return graph.typeOf(object.rootType, object.members, (t, m) =>
    containerMember(config, t) === m ? config.device.structs[0] : undefined,
  );
}

export function isDeviceObject(graph: CallGraph, config: Config, object: ObjectRef): boolean {
  const type = structOf(graph, config, object);
  return type !== undefined && config.device.structs.includes(type);
}

/** The struct an argument is (`dev` declared `struct device *`, `&pdev->dev`), where known. */
function argStruct(graph: CallGraph, config: Config, arg: ArgInfo): string | undefined {
  if (arg.object) return structOf(graph, config, arg.object);
  return arg.structType;
}

/**
 * The setter a call is, when it installs ops on a device: a configured setter whose device
 * argument (`deviceArg`) is there and is not known to be another struct. A setter takes a
 * device by contract, so an argument whose type the parsed files do not tell counts.
 */
export function setterCall(graph: CallGraph, config: Config, site: CallSite): Setter | undefined {
  if (site.viaMember) return undefined;
  const setter = config.apis.setters.find((s) => s.name === site.callee);
  if (!setter) return undefined;
  const device = site.args[setter.deviceArg];
  if (!device || device.isNull) return undefined;
  const type = argStruct(graph, config, device);
  return type === undefined || config.device.structs.includes(type) ? setter : undefined;
}

/** Is a struct tag that of a device, or of a struct embedding one (platform_device)? */
function isDeviceType(config: Config, type: string | undefined): boolean {
  return type !== undefined && (config.device.structs.includes(type) || containerMember(config, type) !== undefined);
}

/**
 * Is what the call returns kept in another object than the device the function works on:
 * `data->mapping = arm_iommu_create_mapping(…)`, directly or through a local, where `data` is
 * not a device parameter of the function (the IOMMU's own data, a DRM device's private data)?
 * Such state is created once for that object and shared by its clients: it is the object's
 * to release, not a client's. Under the device parameter (`dev->archdata.mapping`) it is the
 * device's.
 */
export function keptByAnotherObject(config: Config, fn: FunctionSummary, site: CallSite): boolean {
  const write = site.storedInMember
    ? [...fn.writes]
        .reverse()
        .find(
          (w) =>
            w.member === site.storedInMember &&
            (w.line < site.line || (w.line === site.line && w.col <= site.col)) &&
            (w.endLine > site.endLine || (w.endLine === site.endLine && w.endCol >= site.endCol)),
        )
    : site.assignedTo
      ? fn.writes.find((w) => w.valueIdent === site.assignedTo)
      : undefined;
  return write !== undefined && isAnotherObject(config, fn, write.object);
}

/** Is an object written in `fn` another than the device it works on (not under a device parameter)? */
export function isAnotherObject(config: Config, fn: FunctionSummary, object: ObjectRef): boolean {
  const param = fn.params.find((p) => p.name === object.root);
  return !(param && isDeviceType(config, param.structType));
}
