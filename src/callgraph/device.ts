// Is an object expression a struct device? Decided from declarations: the root variable's
// declared type, then struct definitions member by member, then the configured containers
// (platform_device.dev, …) for structs whose definition was not parsed.
import { type Config, type Setter, containerMember } from '../config/types.js';
import type { ArgInfo, CallSite, FunctionSummary, ObjectRef } from '../parser/summary.js';
import type { CallGraph, FnNode } from './graph.js';

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
  if (type !== undefined && !config.device.structs.includes(type)) return undefined;
  return setterDefinitions(graph, config, setter.name).stub ? undefined : setter;
}

/**
 * What the tree's definitions of a setter say: `set_dma_ops()` is `dev->dma_ops = dma_ops`
 * under `#ifdef CONFIG_ARCH_HAS_DMA_OPS` and an empty inline under its `#else` (arm64 of Linux
 * 6.12 selects the symbol only with XEN). A setter whose every live definition is empty writes
 * nothing; one with an empty alternative writes only under the conditions of the others. A
 * setter the parsed files do not define is taken at its word.
 */
interface SetterDefinitions {
  stub: boolean;
  onlyWith: string[];
}

const definitions = new WeakMap<CallGraph, Map<string, SetterDefinitions>>();

/** A definition that neither calls anything nor writes the ops member does nothing a setter would. */
function isEmpty(config: Config, fn: FnNode): boolean {
  return fn.summary.calls.length === 0 && !fn.summary.writes.some((w) => w.member === config.device.opsMember);
}

function setterDefinitions(graph: CallGraph, config: Config, name: string): SetterDefinitions {
  let known = definitions.get(graph);
  if (!known) definitions.set(graph, (known = new Map<string, SetterDefinitions>()));
  let result = known.get(name);
  if (!result) {
    const defs = graph.named(name);
    const real = defs.filter((d) => !isEmpty(config, d));
    const shared = (c: string) => defs.every((d) => d.summary.cond.includes(c));
    result =
      defs.length === 0
        ? { stub: false, onlyWith: [] }
        : real.length === 0
          ? { stub: true, onlyWith: [] }
          : real.length === defs.length || real.length > 1
            ? { stub: false, onlyWith: [] }
            : { stub: false, onlyWith: real[0]!.summary.cond.filter((c) => !shared(c)) };
    known.set(name, result);
  }
  return result;
}

/** The preprocessor conditions a setter's call writes the ops under ([]: wherever it is compiled). */
export function setterOnlyWith(graph: CallGraph, config: Config, setter: Setter): string[] {
  return setterDefinitions(graph, config, setter.name).onlyWith;
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

/** How the analyzed code makes a device itself, when it does (rules.yaml `device.allocators`). */
export interface SelfMade {
  /** `allocated by vdpa_alloc_device()` / `test_dev, defined by this file`. */
  how: string;
}

/**
 * Is the device argument of a setter call one `fn` makes itself: the address of a struct
 * embedded in an object `fn` allocated (`&vdev->vdpa.dev` after `vdev = vdpa_alloc_device(…)`,
 * directly or through a local set to that address), or of an object the file defines
 * (`&test_dev` for `static struct device test_dev;`)? Only an address counts: a pointer kept in
 * an allocated object (`priv->dev = &pdev->dev`) points at someone else's device.
 */
export function selfMadeDevice(
  config: Config,
  file: { objects?: { name: string; structType: string }[] },
  fn: FunctionSummary,
  arg: ArgInfo,
): SelfMade | undefined {
  const allocators = new Set(config.device.allocators ?? []);
  const links = config.device.firmwareLinks;
  // Tied to a firmware node in the function: a bus configures its DMA like any described device's.
  const linked = (root: string) =>
    fn.writes.some((w) => w.object.root === root && (links?.members ?? []).includes(w.member)) ||
    fn.calls.some(
      (c) =>
        !c.viaMember &&
        (links?.calls ?? []).includes(c.callee) &&
        c.args.some((a) => a.object?.root === root || a.ident === root || a.ident === arg.ident),
    );
  const addressed = arg.text.startsWith('&');
  const alias = !addressed && arg.ident !== undefined ? fn.addressOf?.find((a) => a.name === arg.ident) : undefined;
  const root = alias ? alias.object.root : addressed ? (arg.object?.root ?? undefined) : undefined;
  if (root !== undefined && (alias || arg.object)) {
    const made = fn.calls.find((c) => !c.viaMember && c.assignedTo === root && allocators.has(c.callee));
    if (made && !linked(root)) return { how: `allocated by ${made.callee}()` };
  }
  if (addressed && !arg.object && arg.ident !== undefined && !fn.params.some((p) => p.name === arg.ident)) {
    const object = file.objects?.find((o) => o.name === arg.ident && config.device.structs.includes(o.structType));
    if (object && !linked(object.name)) return { how: `${object.name}, defined by this file` };
  }
  return undefined;
}
