// Where a function writes a device's dma_ops, by a setter call or by assignment: the sites the
// effect analysis starts from and the first rule reports.
import type { CallGraph, FnNode } from '../callgraph/graph.js';
import type { Config } from '../config/types.js';
import type { CallSite, MemberWrite } from '../parser/summary.js';
import { isDeviceObject, setterCall, setterOnlyWith } from '../callgraph/device.js';

/** A write of `dev->dma_ops`, by a setter call or by assignment. */
export interface OpsWrite {
  fn: FnNode;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  clears: boolean;
  /** `set_dma_ops()` or `dev->dma_ops =`. */
  what: string;
  cond: string[];
  guards: string[];
  site: CallSite | MemberWrite;
}

export function opsWritesIn(graph: CallGraph, config: Config, fn: FnNode): OpsWrite[] {
  const out: OpsWrite[] = [];
  for (const site of fn.summary.calls) {
    const setter = setterCall(graph, config, site);
    if (!setter) continue;
    out.push({
      fn,
      line: site.line,
      col: site.col,
      endLine: site.endLine,
      endCol: site.endCol,
      clears: site.args[setter.opsArg]?.isNull ?? false,
      what: `${setter.name}()`,
      // Where the setter is an empty stub in some configurations, its write needs the others'.
      cond: [...site.cond, ...setterOnlyWith(graph, config, setter).filter((c) => !site.cond.includes(c))],
      guards: site.guards,
      site,
    });
  }
  for (const w of fn.summary.writes) {
    if (w.member !== config.device.opsMember || !isDeviceObject(graph, config, w.object)) continue;
    out.push({
      fn,
      line: w.line,
      col: w.col,
      endLine: w.endLine,
      endCol: w.endCol,
      clears: w.isNull,
      what: `the assignment to ${w.member} of ${w.object.text}`,
      cond: w.cond,
      guards: w.guards,
      site: w,
    });
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** A site's own text: the call as written (arguments whitespace folded), or the assignment. */
export function siteText(site: CallSite | MemberWrite): string {
  return 'text' in site ? site.text : `${site.callee}(${site.args.map((a) => a.text).join(', ')})`;
}
