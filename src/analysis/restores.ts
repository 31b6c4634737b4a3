// An attach that puts back what was there: `*dma_priv = to_dma_iommu_mapping(dev)` saves the
// device's mapping before the driver attaches its own, and `arm_iommu_attach_device(dev,
// *dma_priv)` in the undo attaches the saved one again (exynos_drm_dma.c). Read as an attach,
// the undo would establish new state; it restores the old (rules.yaml `undo.attachGetters`).
import type { CallGraph, FnNode } from '../callgraph/graph.js';
import type { Config } from '../config/types.js';
import type { CallSite } from '../parser/summary.js';

/**
 * Is the call an attach back of a saved mapping: one of its arguments names what a getter's
 * result was kept in, in the same function, or in a function of the same file through a
 * parameter of that name both functions take (the saved value travels through the caller)?
 */
export function restoresAttach(graph: CallGraph, config: Config, fn: FnNode, site: CallSite): boolean {
  const getters = new Set(config.undo.attachGetters ?? []);
  if (getters.size === 0) return false;
  const names = new Set(site.args.map((a) => a.ident).filter((n): n is string => n !== undefined));
  if (names.size === 0) return false;
  const isParam = (f: FnNode, name: string) => f.summary.params.some((p) => p.name === name);
  // The same device: the getter read the mapping of the device attached back.
  const sameDevice = (c: CallSite) => c.args[0]?.ident !== undefined && names.has(c.args[0].ident);
  const before = (c: CallSite) => c.line < site.line || (c.line === site.line && c.col < site.col);
  const saves = (f: FnNode) =>
    f.summary.calls.some(
      (c) =>
        !c.viaMember &&
        getters.has(c.callee) &&
        c.assignedTo !== undefined &&
        names.has(c.assignedTo) &&
        sameDevice(c) &&
        !assignedOtherwise(fn, c.assignedTo, f === fn ? c : undefined) &&
        (f === fn ? before(c) : isParam(f, c.assignedTo) && isParam(fn, c.assignedTo)),
    );
  return inFile(graph, fn.file).some(saves);
}

/**
 * Does `fn` give the variable another value than the getter's result (`mapping = priv->mapping`
 * after the save)? Then what is attached is not, or not only, what was saved.
 */
function assignedOtherwise(fn: FnNode, name: string, getter: CallSite | undefined): boolean {
  const getterIndex = getter ? fn.summary.calls.indexOf(getter) : -1;
  return (fn.summary.flow?.blocks ?? []).some((b) =>
    (b.ev ?? []).some((e) => 'set' in e && e.set === name && !(e.value.k === 'call' && e.value.call === getterIndex)),
  );
}

const byFile = new WeakMap<CallGraph, Map<string, FnNode[]>>();

function inFile(graph: CallGraph, file: string): FnNode[] {
  let index = byFile.get(graph);
  if (!index) {
    index = new Map();
    for (const f of graph.functions) index.set(f.file, [...(index.get(f.file) ?? []), f]);
    byFile.set(graph, index);
  }
  return index.get(file) ?? [];
}
