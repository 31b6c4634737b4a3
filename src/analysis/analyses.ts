// The analyses the rules share, made once per call graph and configuration: every rule, and
// growth, that asks about the same graph gets the same analysis and its memo.
import type { CallGraph } from '../callgraph/graph.js';
import type { Config } from '../config/types.js';
import { DriverCoreAnalysis } from './driver-core.js';
import { EffectAnalysis } from './effects.js';
import { ErrorPathAnalysis } from './error-paths.js';
import { PairAnalysis } from './pairs.js';

/** Each built on first call; functions, not methods, so that a rule may take them out of its context. */
export interface Analyses {
  /** What a function does to a device's DMA state, through its helpers. */
  effects: () => EffectAnalysis;
  /** The setup/teardown pairs of the tree. */
  pairs: () => PairAnalysis;
  /** Which error returns leave DMA state behind. */
  errorPaths: () => ErrorPathAnalysis;
  /** What the driver core undoes itself after a driver's callback. */
  driverCore: () => DriverCoreAnalysis;
}

class LazyAnalyses implements Analyses {
  private effectAnalysis?: EffectAnalysis;
  private pairAnalysis?: PairAnalysis;
  private errorPathAnalysis?: ErrorPathAnalysis;
  private driverCoreAnalysis?: DriverCoreAnalysis;

  constructor(
    private graph: CallGraph,
    private config: Config,
  ) {}

  effects(): EffectAnalysis {
    return (this.effectAnalysis ??= new EffectAnalysis(this.graph, this.config));
  }

  pairs(): PairAnalysis {
    return (this.pairAnalysis ??= new PairAnalysis(this.graph, this.config, this.effects(), this.driverCore()));
  }

  errorPaths(): ErrorPathAnalysis {
    return (this.errorPathAnalysis ??= new ErrorPathAnalysis(this.graph, this.config));
  }

  driverCore(): DriverCoreAnalysis {
    return (this.driverCoreAnalysis ??= new DriverCoreAnalysis(this.graph, this.config));
  }
}

const made = new WeakMap<CallGraph, WeakMap<Config, Analyses>>();

/** The analyses of `graph` under `config`, built on first use. */
export function analysesOf(graph: CallGraph, config: Config): Analyses {
  let byConfig = made.get(graph);
  if (!byConfig) made.set(graph, (byConfig = new WeakMap()));
  let analyses = byConfig.get(config);
  if (!analyses) byConfig.set(config, (analyses = new LazyAnalyses(graph, config)));
  return analyses;
}
