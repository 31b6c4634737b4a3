// Constant arguments decide the callee's branches: fsl_mc_bus_probe() passes DEV_DMA_COHERENT to
// acpi_dma_configure_id(), whose set_dma_ops(dev, &dma_dummy_ops) runs only
// `if (attr == DEV_DMA_NOT_SUPPORTED)`; at that call site it never runs. The parser records,
// for every site, the constraints on the enclosing function's parameters that hold on every
// path to it (summary.ts ParamConstraint), and which arguments of a call are constants.
import type { CallSite, ParamConstraint } from '../parser/summary.js';

/** Can the callee's site under `params` run when called from `call`, given its constant arguments? */
export function reachableWith(call: CallSite, params: readonly ParamConstraint[] | undefined): boolean {
  if (!params) return true;
  return params.every((c) => {
    const arg = call.args[c.param];
    if (c.truthy !== undefined && arg?.truthy !== undefined && arg.truthy !== c.truthy) return false;
    const value = arg?.constant;
    if (value === undefined) return true;
    // Another name of the same enumeration is another value (an alias #define would not be).
    if (c.in && !c.in.includes(value)) return false;
    return !c.notIn?.includes(value);
  });
}
