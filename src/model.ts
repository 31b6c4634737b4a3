// Plain data passed between the stages: configuration → summaries → graph → findings → reports.

export type Level = 'error' | 'warning' | 'note';

/**
 * When a callback runs in a device's DMA lifecycle (README: "The device lifecycle"): before
 * the architecture's setup, or once it has run.
 */
export type Phase = 'before-setup' | 'after-setup';

/**
 * State that a setup establishes and its teardown must undo: a key of rules.yaml `states`
 * (`ops`, `attach`, `mapping`); `ops` is the one a dma_ops write establishes or undoes.
 */
export type StateKind = string;

/** 1-based line and column, as compilers print them. Columns count UTF-16 code units (docs/parsing.md). */
export interface Location {
  file: string; // relative to the tree root, '/'-separated
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export interface PathStep extends Location {
  /** Function the step is in (or the entry point it binds). */
  function: string;
  message: string;
}

export interface RelatedLocation extends Location {
  message: string;
}

export interface Finding {
  /** The id of the rule that found it (src/rules/index.ts). */
  ruleId: string;
  level: Level;
  /** Stable id of the message template (see the rule's meta.messages). */
  messageId: string;
  message: string;
  /**
   * The values the message template's `{{name}}`s were filled with, one per name the template
   * uses: what a fixture annotation states and SARIF's `message.arguments` carries.
   */
  messageData: Record<string, string>;
  location: Location;
  /** Function holding the primary location; part of the fingerprint. */
  function: string;
  /**
   * What is wrong, whatever explains it (`outside-pair`, `before-setup`, `left-behind`, …):
   * part of the fingerprint, where the message id and the message are not, since they name
   * the caller chosen to explain the finding.
   */
  kind: string;
  /** The primary site's own source text, whitespace folded: part of the fingerprint. */
  site: string;
  /** From the entry point down to the primary location; last step is the primary location. */
  path: PathStep[];
  related: RelatedLocation[];
  /** Preprocessor conditions the primary location lives under ([] = always compiled). */
  conditions: string[];
  /**
   * The statement that causes it, when that is not the primary location: the establishment an
   * error return leaks. Several rules' findings with one cause are reported as one
   * (output/causes.ts).
   */
  cause?: Location;
}

/** What a tool run could not do, reported without stopping the scan. */
export interface Notification {
  level: 'error' | 'warning' | 'note';
  file?: string;
  line?: number;
  message: string;
}
